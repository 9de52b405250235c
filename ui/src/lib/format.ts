/** Words and small formatting helpers shared by the views. */
import type { Kind } from './bindings/Kind';
import type { Status } from './bindings/Status';
import type { Role } from './bindings/Role';
import { locale, t } from './i18n';

/** The statuses and kinds in the order the UI lists them. */
export const STATUSES: Status[] = ['plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped'];
export const KINDS: Kind[] = ['series', 'miniseries', 'film', 'special'];

/**
 * A record whose every value is read through `t()` when looked up, so
 * `STATUS_LABELS[s]` in a template repaints when the language changes.
 */
function labels<K extends string>(keys: readonly K[], message: (k: K) => string): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) Object.defineProperty(out, k, { get: () => message(k), enumerable: true });
  return out;
}

export const STATUS_LABELS = labels(STATUSES, (s) => t(`common:status.${s}`));
export const KIND_LABELS = labels(KINDS, (k) => t(`common:kind.${k}`));
export const ROLE_LABELS = labels<Role>(['writer', 'director', 'cast'], (r) => t(`common:role.${r}`));

/**
 * The locale for `Intl` formatting: the language the UI is shown in, so
 * dates and numbers read the way its words do (a bare POSIX system
 * locale, which groups nothing, never reaches here).
 */
export function numberLocale(): string {
  return locale();
}

/** One `Intl` formatter per language, made on first use. */
function perLocale<T>(make: (locale: string) => T): () => T {
  const made = new Map<string, T>();
  return () => {
    const l = locale();
    let f = made.get(l);
    if (!f) made.set(l, (f = make(l)));
    return f;
  };
}

const counter = perLocale((l) => new Intl.NumberFormat(l));

/** "100,000" (or the locale's own grouping): counts of titles. */
export function formatCount(n: number): string {
  return counter().format(n);
}

const decimal = perLocale((l) => new Intl.NumberFormat(l, { maximumFractionDigits: 1 }));

/** "8.5", "1,234.5" (or the locale's own marks): hours, ratings and averages, to one decimal. */
export function formatDecimal(n: number): string {
  return decimal().format(n);
}

const regionNames = perLocale((l) => new Intl.DisplayNames(l, { type: 'region' }));

/** "South Korea" for "KR" (대한민국 in Korean); the code itself when unknown. */
export function countryName(code: string | null | undefined): string {
  if (!code) return '';
  try {
    return regionNames().of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** "2023 · KR" with whatever is known. */
export function yearCountry(year: number | null, country: string | null): string {
  return [year, country].filter((x) => x !== null && x !== '').join(' · ');
}

/** "3 / 16", "3 eps" when the total is unknown. */
export function progressText(progress: number, episodes: number | null): string {
  return episodes ? `${progress} / ${episodes}` : t('common:episodesShort', { count: progress });
}

/**
 * A calendar date ("2023-12-27") in the user's locale with `options`,
 * read as a local date so no time zone shifts its day; anything else as it is.
 */
function calendarDate(date: string, options: Intl.DateTimeFormatOptions): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  return d.toLocaleDateString(locale(), options);
}

/** A calendar date ("2023-12-27") in the user's locale. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  return calendarDate(date, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "2023-03" by name in the user's locale: "March", or "Mar" when `short`; anything else as it is. */
export function monthName(month: string, width: 'long' | 'short' = 'long'): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  const n = m ? Number(m[2]) : 0;
  if (!m || n < 1 || n > 12) return month;
  return new Date(Number(m[1]), n - 1, 1, 12).toLocaleDateString(locale(), { month: width });
}

/** "2023-03-05" as a day and month ("Mar 5", 3月5日), for a page that already names the year. */
export function formatDayMonth(date: string): string {
  return calendarDate(date, { day: 'numeric', month: 'short' });
}

/** An instant (RFC 3339) as a date and time, "Mar 5, 2024, 9:41 PM" in the locale's way: when a backup was taken. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** A viewing's dates, "1 Mar 2024 → 5 Mar 2024"; an unknown start is "—", an open end "…". */
export function viewingDates(v: { started_on: string | null; finished_on: string | null }): string {
  return `${formatDate(v.started_on) || '—'} → ${formatDate(v.finished_on) || '…'}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "yesterday", "just now": how long ago an instant was. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return format.format(-Math.round(ms / size), unit);
  }
  return format.format(0, 'minute');
}
