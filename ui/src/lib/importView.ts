/**
 * The import dialog's plain logic: the formats offered, how each report
 * line reads, and the progress percentage — kept out of the component so
 * Vitest can check it.
 */
import type { ImportFormat } from './bindings/ImportFormat';
import type { ImportItem } from './bindings/ImportItem';
import type { ImportProgress } from './bindings/ImportProgress';
import type { Prefer } from './bindings/Prefer';
import type { ReadOptions } from './bindings/ReadOptions';
import type { ApiError } from './api';

export const IMPORT_FORMATS: Array<{ value: ImportFormat | 'auto'; label: string }> = [
  { value: 'auto', label: 'Detect from the file' },
  { value: 'letterboxd', label: 'Letterboxd (zip or CSV)' },
  { value: 'trakt', label: 'Trakt (JSON)' },
  { value: 'imdb', label: 'IMDb ratings or list (CSV)' },
  { value: 'simkl', label: 'Simkl (CSV or JSON)' },
  { value: 'mdl', label: 'MyDramaList (community TSV)' },
  { value: 'tmdb', label: 'TMDB (CSV)' },
  { value: 'tvtime', label: 'TV Time (GDPR export: zip or folder)' },
  { value: 'netflix', label: 'Netflix viewing activity or history (CSV)' },
  { value: 'watchlog-json', label: 'Watchlog JSON' },
  { value: 'watchlog-csv', label: 'Watchlog CSV' },
];

export const PREFER_CHOICES: Array<{ value: Prefer; label: string }> = [
  { value: 'newer', label: 'The more recent rating wins' },
  { value: 'existing', label: 'Keep my ratings' },
  { value: 'incoming', label: "The file's ratings win" },
];

/** Nothing told to the reader: the core's defaults for every option. */
export function defaultReadOptions(): ReadOptions {
  return { profile: null, date_order: null, min_play_minutes: null };
}

/** A choice the core asks for before it can read a file: which option, and its values. */
export interface ReadChoice {
  field: 'profile' | 'date_order';
  label: string;
  choices: string[];
}

const CHOICE_LABELS: Record<ReadChoice['field'], string> = {
  profile: 'Profile',
  date_order: 'Dates are written',
};

const DATE_ORDER_LABELS: Record<string, string> = {
  dmy: 'Day first (18/06/20)',
  mdy: 'Month first (06/18/20)',
  ymd: 'Year first (2020/06/18)',
};

/** The choice a failed preview asks for, or `null` when it asks for none. */
export function readChoice(e: ApiError): ReadChoice | null {
  if (e.code !== 'needs_choice' || !e.choices) return null;
  if (e.field !== 'profile' && e.field !== 'date_order') return null;
  return { field: e.field, label: CHOICE_LABELS[e.field], choices: e.choices };
}

/** How one value of a choice reads in the picker. */
export function choiceLabel(field: ReadChoice['field'], value: string): string {
  return field === 'date_order' ? (DATE_ORDER_LABELS[value] ?? value) : value;
}

/** `options` with the chosen value set. */
export function choose(options: ReadOptions, field: ReadChoice['field'], value: string): ReadOptions {
  if (field === 'profile') return { ...options, profile: value };
  return { ...options, date_order: value as ReadOptions['date_order'] };
}

/** `null` for "auto", as the backend expects. */
export function formatArg(v: ImportFormat | 'auto'): ImportFormat | null {
  return v === 'auto' ? null : v;
}

const ACTION_LABELS: Record<ImportItem['action'], string> = {
  added: 'Add',
  updated: 'Update',
  unchanged: 'Unchanged',
  ambiguous: 'Ambiguous',
  skipped: 'Skip',
};

export function actionLabel(a: ImportItem['action']): string {
  return ACTION_LABELS[a];
}

/** What a report line says beyond its title. */
export function itemDetail(i: ImportItem): string {
  if (i.action === 'updated') return i.changes.join('; ');
  return i.reason ?? '';
}

/** The lines worth showing: everything but the unchanged ones. */
export function visibleItems(items: ImportItem[]): ImportItem[] {
  return items.filter((i) => i.action !== 'unchanged');
}

export function percent(p: ImportProgress | null): number {
  if (!p || p.total === 0) return 0;
  return Math.min(100, Math.round((p.done / p.total) * 100));
}
