/** Words and small formatting helpers shared by the views. */
import type { Kind } from './bindings/Kind';
import type { Status } from './bindings/Status';
import type { Role } from './bindings/Role';

/** The statuses and kinds in the order the UI lists them. */
export const STATUSES: Status[] = ['plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped'];
export const KINDS: Kind[] = ['series', 'miniseries', 'film', 'special'];

export const STATUS_LABELS: Record<Status, string> = {
  plan_to_watch: 'Plan to watch',
  watching: 'Watching',
  completed: 'Completed',
  on_hold: 'On hold',
  dropped: 'Dropped',
};

export const KIND_LABELS: Record<Kind, string> = {
  series: 'Series',
  miniseries: 'Miniseries',
  film: 'Film',
  special: 'Special',
};

export const ROLE_LABELS: Record<Role, string> = {
  writer: 'Writer',
  director: 'Director',
  cast: 'Cast',
};

/**
 * The user's locale for numbers. A bare POSIX locale (no LANG set) reads
 * as one that groups nothing; counts in the tens of thousands want
 * grouping, so that case falls back to English.
 */
export function numberLocale(): string | undefined {
  const lang = typeof navigator === 'undefined' ? '' : (navigator.language ?? '');
  return lang === '' || /^(c|posix)$/i.test(lang) || /posix/i.test(lang) ? 'en' : undefined;
}

let counter: Intl.NumberFormat | null = null;

/** "100,000" (or the locale's own grouping): counts of titles. */
export function formatCount(n: number): string {
  counter ??= new Intl.NumberFormat(numberLocale());
  return counter.format(n);
}

let regionNames: Intl.DisplayNames | null = null;

/** "South Korea" for "KR"; the code itself when the name is unknown. */
export function countryName(code: string | null | undefined): string {
  if (!code) return '';
  try {
    regionNames ??= new Intl.DisplayNames(undefined, { type: 'region' });
    return regionNames.of(code.toUpperCase()) ?? code;
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
  return episodes ? `${progress} / ${episodes}` : `${progress} ep${progress === 1 ? '' : 's'}`;
}

/** A calendar date ("2023-12-27") in the user's locale, without time-zone shifts. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
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
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return format.format(-Math.round(ms / size), unit);
  }
  return format.format(0, 'minute');
}
