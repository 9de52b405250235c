/**
 * The export dialog's form: what each format is for, and turning the
 * fields the user typed (ratings in their scale, dates) into the core's
 * `ExportOptions`, with a message per field when something is wrong.
 */
import type { ExportFormat } from './bindings/ExportFormat';
import type { ExportOptions } from './bindings/ExportOptions';
import type { ExportProgress } from './bindings/ExportProgress';
import type { RatingTable } from './bindings/RatingTable';
import type { ReviewOrder } from './bindings/ReviewOrder';
import type { SpoilerMode } from './bindings/SpoilerMode';
import type { Status } from './bindings/Status';
import { parseRating } from './rating';

export const FORMATS: Array<{ value: ExportFormat; label: string; about: string }> = [
  { value: 'html', label: 'Web page', about: 'Your ratings and reviews as one self-contained page to share or print. Spoilers stay hidden until opened.' },
  { value: 'markdown', label: 'Markdown', about: 'Your ratings and reviews as a text document for notes apps, blogs and forums.' },
  { value: 'csv', label: 'CSV', about: 'One row per title for spreadsheets. Watchlog can read it back.' },
  { value: 'watchlog-json', label: 'Watchlog JSON', about: 'Everything, without loss: the file to keep or to move your library to another computer.' },
  { value: 'letterboxd', label: 'Letterboxd', about: 'Letterboxd’s import file: watched films and miniseries only; the report lists what it cannot hold.' },
];

/** The formats one of the user's lists exports to, in its order with its notes. */
export const LIST_FORMATS: Array<{ value: ExportFormat; label: string; about: string }> = [
  { value: 'html', label: 'Web page', about: 'The list as one self-contained page to share or print: its titles in order, with your notes.' },
  { value: 'markdown', label: 'Markdown', about: 'The list as a text document for notes apps, blogs and forums, in order with your notes.' },
  { value: 'letterboxd', label: 'Letterboxd list', about: 'Letterboxd’s list import file: the list’s films and miniseries in order; the report names what it cannot hold.' },
];

/** Review lists (Markdown, HTML) are the formats order and spoilers apply to. */
export function isReviewList(f: ExportFormat): boolean {
  return f === 'html' || f === 'markdown';
}

export interface ExportForm {
  format: ExportFormat;
  statuses: Status[];
  minRating: string;
  maxRating: string;
  platform: string;
  tag: string;
  finishedFrom: string;
  finishedTo: string;
  onlyWithReview: boolean;
  order: ReviewOrder;
  spoilers: SpoilerMode;
}

export type ExportField = 'minRating' | 'maxRating' | 'finishedTo';

export function blankExportForm(): ExportForm {
  return {
    format: 'html',
    statuses: [],
    minRating: '',
    maxRating: '',
    platform: '',
    tag: '',
    finishedFrom: '',
    finishedTo: '',
    onlyWithReview: false,
    order: 'rating',
    spoilers: 'hide',
  };
}

export type ExportValidated =
  | { ok: true; options: ExportOptions }
  | { ok: false; errors: Partial<Record<ExportField, string>> };

/** The options the core takes, or what to fix. */
export function exportOptions(form: ExportForm, ratings: RatingTable): ExportValidated {
  const errors: Partial<Record<ExportField, string>> = {};
  const min = parseRating(form.minRating, ratings);
  const max = parseRating(form.maxRating, ratings);
  if (!min.ok) errors.minRating = min.error;
  if (!max.ok) errors.maxRating = max.error;
  if (min.ok && max.ok && min.value !== null && max.value !== null && min.value > max.value) {
    errors.maxRating = 'The highest rating is below the lowest.';
  }
  if (form.finishedFrom && form.finishedTo && form.finishedTo < form.finishedFrom) {
    errors.finishedTo = 'This day is before the first one.';
  }
  if (Object.keys(errors).length > 0 || !min.ok || !max.ok) return { ok: false, errors };
  const text = (s: string) => (s.trim() === '' ? null : s.trim());
  return {
    ok: true,
    options: {
      filter: {
        statuses: [...form.statuses],
        min_rating: min.value,
        max_rating: max.value,
        platform: text(form.platform),
        tag: text(form.tag),
        finished_from: text(form.finishedFrom),
        finished_to: text(form.finishedTo),
        only_with_review: form.onlyWithReview,
      },
      scale: null,
      order: form.order,
      spoilers: form.spoilers,
      heading: null,
      exported_at: null,
    },
  };
}

/**
 * The options for exporting one list: the whole list (the library's
 * filters and review order do not apply to it), in `form`'s format and
 * spoiler choice.
 */
export function listExportOptions(form: ExportForm, list: number, ratings: RatingTable): ExportOptions {
  const blank = blankExportForm();
  const r = exportOptions({ ...blank, format: form.format, spoilers: form.spoilers }, ratings);
  // A blank form has nothing to refuse.
  if (!r.ok) throw new Error('a blank export form was refused');
  return { ...r.options, list };
}

/** How far a running export is, in whole percent (0 before the first report). */
export function exportPercent(p: ExportProgress | null): number {
  if (!p || p.total === 0) return 0;
  return Math.min(100, Math.floor((p.done / p.total) * 100));
}

/** The line under the export's progress bar: "12,000 of 100,000 titles". */
export function exportProgressText(p: ExportProgress | null): string {
  if (!p) return 'Starting…';
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(p.done)} of ${n(p.total)} ${p.total === 1 ? 'title' : 'titles'}`;
}
