/**
 * The view logic of Up next, the calendar and the episode list, kept out of
 * the components so it is unit-tested: countdowns, the days of a calendar
 * week or month, and what a click on an episode's check means. Which
 * episode is next, what aired and what counts are the core's answers; this
 * only arranges and words them. Dates are ISO days ("2026-12-02") in the
 * viewer's zone; month and weekday names come from `Intl.DateTimeFormat`.
 */
import type { EpisodeRef } from './bindings/EpisodeRef';
import type { NextEpisode } from './bindings/NextEpisode';
import { locale as shownLocale, t } from './i18n';

/**
 * "in 2 days", "in 5 h", "in 20 min" until `at`; "now" once it has passed.
 * Worded by the messages rather than `Intl.RelativeTimeFormat`, whose
 * short English ("in 5 hr.") is not the app's; each language has its own.
 */
export function countdown(at: Date, now: Date): string {
  const minutes = Math.round((at.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return t('airing:now');
  if (minutes < 60) return t('airing:inMinutes', { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 24) return t('airing:inHours', { count: hours });
  return t('airing:inDays', { count: Math.round(hours / 24) });
}

/** The ISO day of a local date. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The local date of an ISO day, at noon (so no DST change moves its day). */
export function fromIso(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d, 12);
}

export function addDays(day: string, n: number): string {
  const d = fromIso(day);
  d.setDate(d.getDate() + n);
  return isoDay(d);
}

/** The same day `n` months on, clamped to the month's last day. */
export function addMonths(day: string, n: number): string {
  const d = fromIso(day);
  const target = new Date(d.getFullYear(), d.getMonth() + n, 1, 12);
  const last = new Date(target.getFullYear(), target.getMonth() + 1, 0, 12).getDate();
  target.setDate(Math.min(d.getDate(), last));
  return isoDay(target);
}

/**
 * The locale whose week a calendar in the shown language follows: the
 * system's own tag when it is that language (its region says whether the
 * week starts on Sunday or Monday: en-US or en-GB), else the language.
 */
export function weekLocale(shown: string = shownLocale(), system?: string): string {
  const tag = (system ?? (typeof navigator === 'undefined' ? '' : navigator.language))
    .replace(/[.@].*$/, '')
    .replace(/_/g, '-');
  const primary = (t: string) => t.split('-')[0].toLowerCase();
  return tag && primary(tag) === primary(shown) ? tag : shown;
}

/**
 * The first day of the week in `locale` (by default the shown language's,
 * as `weekLocale` picks it), 1 (Monday) to 7 (Sunday), where the webview
 * knows it; Monday otherwise.
 */
export function firstDayOfWeek(locale: string = weekLocale()): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & {
      weekInfo?: { firstDay: number };
      getWeekInfo?: () => { firstDay: number };
    };
    const info = l.getWeekInfo?.() ?? l.weekInfo;
    if (info && info.firstDay >= 1 && info.firstDay <= 7) return info.firstDay;
  } catch {
    /* an unknown locale: the default */
  }
  return 1;
}

/** The first day of the week holding `day`. */
export function weekStart(day: string, firstDay: number): string {
  const js = fromIso(day).getDay(); // 0 is Sunday
  const iso = js === 0 ? 7 : js;
  return addDays(day, -((iso - firstDay + 7) % 7));
}

/** The seven days of the week holding `day`. */
export function weekOf(day: string, firstDay: number): string[] {
  const start = weekStart(day, firstDay);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/**
 * The month holding `day` as whole weeks (rows of seven days), from the
 * week of its first day to the week of its last: four to six rows.
 */
export function monthGrid(day: string, firstDay: number): string[][] {
  const d = fromIso(day);
  const first = isoDay(new Date(d.getFullYear(), d.getMonth(), 1, 12));
  const last = isoDay(new Date(d.getFullYear(), d.getMonth() + 1, 0, 12));
  const rows: string[][] = [];
  for (let start = weekStart(first, firstDay); start <= last; start = addDays(start, 7)) {
    rows.push(Array.from({ length: 7 }, (_, i) => addDays(start, i)));
  }
  return rows;
}

/** Items grouped by their `day`, in the order given. */
export function byDay<T extends { day: string }>(items: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const list = m.get(it.day);
    if (list) list.push(it);
    else m.set(it.day, [it]);
  }
  return m;
}

/** An episode as the episode list's checks see it. */
export interface Check extends EpisodeRef {
  watched: boolean;
}

/** What a click on an episode's check asks the core to do, in one call. */
export type CheckAction =
  | { kind: 'mark'; episodes: EpisodeRef[] }
  | { kind: 'unmark'; episodes: EpisodeRef[] }
  | { kind: 'until'; episode: EpisodeRef };

const key = (e: EpisodeRef): EpisodeRef => ({ season: e.season, number: e.number });
const same = (a: EpisodeRef, b: EpisodeRef) => a.season === b.season && a.number === b.number;

/**
 * A click marks an episode (now) or unmarks a watched one. A Shift-click
 * after a click on another episode of `list` (the `anchor`) takes every
 * episode between the two: on an unwatched one it marks the unwatched
 * ones, on a watched one it unmarks the watched ones. A Shift-click with
 * no anchor on an unwatched episode marks it and every episode before it
 * (the core's "mark until", which leaves the watched ones their days).
 */
export function checkAction(list: Check[], ep: Check, shift: boolean, anchor: EpisodeRef | null = null): CheckAction {
  const from = shift && anchor ? list.findIndex((e) => same(e, anchor)) : -1;
  const to = list.findIndex((e) => same(e, ep));
  if (from >= 0 && to >= 0 && from !== to) {
    const range = list.slice(Math.min(from, to), Math.max(from, to) + 1).filter((e) => e.watched === ep.watched);
    return { kind: ep.watched ? 'unmark' : 'mark', episodes: range.map(key) };
  }
  if (ep.watched) return { kind: 'unmark', episodes: [key(ep)] };
  return shift ? { kind: 'until', episode: key(ep) } : { kind: 'mark', episodes: [key(ep)] };
}

/** An episode as a season's check sees it: its check and when it aired. */
export interface SeasonCheck extends Check {
  airstamp: string | null;
  airdate: string | null;
}

/**
 * Whether an episode could have been watched by `today` (the viewer's
 * day, from the core's clock): the day it aired in the viewer's zone (of
 * its instant, else its own day) is not after it. One with no air day, or
 * no `today` known yet, is left for the core to judge.
 */
function airedBy(e: SeasonCheck, today: string | null): boolean {
  const day = e.airstamp ? isoDay(new Date(e.airstamp)) : e.airdate;
  return today === null || day === null || day <= today;
}

/**
 * A season header's check. The season's unwatched episodes that have
 * aired, to mark, when there are any (the core refuses a whole set with
 * one that has not aired); else, when every episode is watched, all of
 * them to unmark; else — caught up, the rest still to air — nothing.
 */
export function seasonAction(episodes: SeasonCheck[], today: string | null): CheckAction | null {
  const open = episodes.filter((e) => !e.watched && airedBy(e, today));
  if (open.length > 0) return { kind: 'mark', episodes: open.map(key) };
  if (episodes.every((e) => e.watched)) return { kind: 'unmark', episodes: episodes.map(key) };
  return null;
}

/** Episodes grouped by season, in the order given (the core's airing order). */
export function bySeason<T extends { season: number }>(episodes: T[]): Array<{ season: number; episodes: T[] }> {
  const seasons: Array<{ season: number; episodes: T[] }> = [];
  for (const e of episodes) {
    let s = seasons.find((x) => x.season === e.season);
    if (!s) {
      s = { season: e.season, episodes: [] };
      seasons.push(s);
    }
    s.episodes.push(e);
  }
  return seasons;
}

/** "S1E4", as the core writes an episode. */
export function episodeCode(season: number | null, number: number | null): string {
  return season === null || number === null ? '' : `S${season}E${number}`;
}

/**
 * A library card's next episode: "S1E5", and while it has not aired its
 * local day ("S1E5 · Thu"; past the coming week its date, "S1E5 · 24 Dec").
 * Aired or not is the core's episode instant (else its day) against the
 * core's now and today, as Up next's countdowns are; an episode with no
 * date is shown as aired, as the core counts it.
 */
export function nextEpisodeText(
  next: NextEpisode,
  now: Date,
  today: string | null,
  locale: string = shownLocale(),
): string {
  const code = episodeCode(next.season, next.number);
  let at: Date | null = null;
  if (next.airstamp !== null) {
    const t = new Date(next.airstamp);
    if (t > now) at = t;
  } else if (next.airdate !== null && today !== null && next.airdate > today) {
    at = fromIso(next.airdate);
  }
  if (at === null) return code;
  const withinWeek = at.getTime() - now.getTime() < 6.5 * 86_400_000;
  const day = new Intl.DateTimeFormat(locale, withinWeek ? { weekday: 'short' } : { day: 'numeric', month: 'short' });
  return `${code} · ${day.format(at)}`;
}
