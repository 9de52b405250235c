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
import { t } from './i18n';
import { parseRating } from './rating';

/** A format as the dialog offers it; its words follow the language shown. */
export interface FormatChoice {
  value: ExportFormat;
  readonly label: string;
  readonly about: string;
}

function choice(value: ExportFormat, label: () => string, about: () => string): FormatChoice {
  return {
    value,
    get label() {
      return label();
    },
    get about() {
      return about();
    },
  };
}

export const FORMATS: FormatChoice[] = [
  choice('html', () => t('export:format.html'), () => t('export:format.htmlAbout')),
  choice('markdown', () => t('export:format.markdown'), () => t('export:format.markdownAbout')),
  choice('csv', () => t('export:format.csv'), () => t('export:format.csvAbout')),
  choice('watchlog-json', () => t('export:format.json'), () => t('export:format.jsonAbout')),
  choice('letterboxd', () => t('export:format.letterboxd'), () => t('export:format.letterboxdAbout')),
];

/** The formats one of the user's lists exports to, in its order with its notes. */
export const LIST_FORMATS: FormatChoice[] = [
  choice('html', () => t('export:format.html'), () => t('export:format.listHtmlAbout')),
  choice('markdown', () => t('export:format.markdown'), () => t('export:format.listMarkdownAbout')),
  choice('letterboxd', () => t('export:format.listLetterboxd'), () => t('export:format.listLetterboxdAbout')),
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
    errors.maxRating = t('export:filter.highestBelow');
  }
  if (form.finishedFrom && form.finishedTo && form.finishedTo < form.finishedFrom) {
    errors.finishedTo = t('export:filter.untilBefore');
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
  if (!p) return t('export:progress.starting');
  return t('export:progress.count', { done: p.done, total: p.total });
}
