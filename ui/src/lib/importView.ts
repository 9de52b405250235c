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
import { t } from './i18n';

const FORMAT_VALUES: Array<ImportFormat | 'auto'> = [
  'auto',
  'letterboxd',
  'trakt',
  'imdb',
  'simkl',
  'mdl',
  'tmdb',
  'tvtime',
  'netflix',
  'watchlog-json',
  'watchlog-csv',
];

/** The formats offered, "detect" first; labels follow the language shown. */
export const IMPORT_FORMATS: Array<{ value: ImportFormat | 'auto'; readonly label: string }> = FORMAT_VALUES.map(
  (value) => ({
    value,
    get label() {
      return t(`import:format.${value}`);
    },
  }),
);

export const PREFER_CHOICES: Array<{ value: Prefer; readonly label: string }> = (
  ['newer', 'existing', 'incoming'] as const
).map((value) => ({
  value,
  get label() {
    return t(`import:prefer.${value}`);
  },
}));

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

/** The choice a failed preview asks for, or `null` when it asks for none. */
export function readChoice(e: ApiError): ReadChoice | null {
  if (e.code !== 'needs_choice' || !e.choices) return null;
  if (e.field !== 'profile' && e.field !== 'date_order') return null;
  return { field: e.field, label: t(`import:choice.${e.field}`), choices: e.choices };
}

/** How one value of a choice reads in the picker. */
export function choiceLabel(field: ReadChoice['field'], value: string): string {
  if (field !== 'date_order') return value;
  return value === 'dmy' || value === 'mdy' || value === 'ymd' ? t(`import:choice.${value}`) : value;
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

export function actionLabel(a: ImportItem['action']): string {
  return t(`import:action.${a}`);
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
