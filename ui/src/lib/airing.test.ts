import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from './i18n';
import {
  addDays,
  addMonths,
  byDay,
  bySeason,
  checkAction,
  countdown,
  firstDayOfWeek,
  monthGrid,
  nextEpisodeText,
  seasonAction,
  weekLocale,
  weekOf,
  weekStart,
} from './airing';

afterEach(() => setLanguage('en'));

describe('countdown', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);
  it('says minutes, hours, then days', () => {
    expect(countdown(later(20 * 60_000), now)).toBe('in 20 min');
    expect(countdown(later(5 * 3_600_000), now)).toBe('in 5 h');
    expect(countdown(later(23 * 3_600_000), now)).toBe('in 23 h');
    expect(countdown(later(30 * 3_600_000), now)).toBe('in 1 day');
    expect(countdown(later(2 * 86_400_000), now)).toBe('in 2 days');
  });
  it('rounds 59.6 minutes up to an hour, not "in 60 min"', () => {
    expect(countdown(later(59.6 * 60_000), now)).toBe('in 1 h');
  });
  it('says now once the time has come', () => {
    expect(countdown(now, now)).toBe('now');
    expect(countdown(later(-60_000), now)).toBe('now');
  });
  it('counts down in the shown language', () => {
    setLanguage('ko');
    expect(countdown(later(20 * 60_000), now)).toBe('20분 후');
    expect(countdown(later(2 * 86_400_000), now)).toBe('2일 후');
    setLanguage('pt-BR');
    expect(countdown(later(30 * 3_600_000), now)).toBe('em 1 dia');
    expect(countdown(now, now)).toBe('agora');
  });
});

describe('the first day of the week', () => {
  it('follows the shown language, refined by the system region when it is that language', () => {
    expect(weekLocale('en', 'en-GB')).toBe('en-GB');
    expect(weekLocale('en', 'ko-KR')).toBe('en');
    expect(weekLocale('zh-Hant', 'zh-TW')).toBe('zh-TW');
    expect(weekLocale('ko', 'ko_KR.UTF-8')).toBe('ko-KR');
    expect(weekLocale('es', '')).toBe('es');
  });
  it('is the locale’s own, Monday where it is not known', () => {
    // Node knows the week's data (`Intl.Locale#getWeekInfo`), as recent webviews do.
    expect(firstDayOfWeek('en-US')).toBe(7);
    expect(firstDayOfWeek('en-GB')).toBe(1);
    expect(firstDayOfWeek('es')).toBe(1);
    expect(firstDayOfWeek('not a locale')).toBe(1);
  });
});

describe('days', () => {
  it('adds days across months, years and DST changes', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
  it('adds months, keeping the day where the month has it', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
  });
  it('starts the week on the locale’s first day', () => {
    // 2 December 2026 is a Wednesday.
    expect(weekStart('2026-12-02', 1)).toBe('2026-11-30');
    expect(weekStart('2026-12-02', 7)).toBe('2026-11-29');
    expect(weekStart('2026-11-30', 1)).toBe('2026-11-30');
    expect(weekStart('2026-12-06', 1)).toBe('2026-11-30');
    expect(weekOf('2026-12-02', 1)).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
  });
});

describe('monthGrid', () => {
  it('holds the whole month in whole weeks', () => {
    const g = monthGrid('2026-12-17', 1);
    expect(g).toHaveLength(5);
    expect(g[0][0]).toBe('2026-11-30');
    expect(g[4][6]).toBe('2027-01-03');
    expect(g.every((w) => w.length === 7)).toBe(true);
    expect(g.flat()).toContain('2026-12-31');
  });
  it('is four weeks for a February that fits, six for a month that spills', () => {
    // February 2027 starts on a Monday and has 28 days.
    expect(monthGrid('2027-02-10', 1)).toHaveLength(4);
    // August 2026 starts on a Saturday and has 31 days.
    expect(monthGrid('2026-08-01', 1)).toHaveLength(6);
    expect(monthGrid('2026-08-01', 7)).toHaveLength(6);
  });
  it('starts on Sunday where the week does', () => {
    const g = monthGrid('2026-12-01', 7);
    expect(g[0][0]).toBe('2026-11-29');
    expect(g.at(-1)!.at(-1)).toBe('2027-01-02');
  });
});

describe('grouping', () => {
  it('groups by day and by season, in the order given', () => {
    const m = byDay([
      { day: '2026-12-02', n: 1 },
      { day: '2026-12-03', n: 2 },
      { day: '2026-12-02', n: 3 },
    ]);
    expect(m.get('2026-12-02')!.map((x) => x.n)).toEqual([1, 3]);
    const s = bySeason([
      { season: 0, number: 1 },
      { season: 1, number: 1 },
      { season: 1, number: 2 },
      { season: 2, number: 1 },
    ]);
    expect(s.map((x) => [x.season, x.episodes.length])).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
    ]);
  });
});

describe('episode checks', () => {
  const ep = (number: number, watched: boolean) => ({ season: 1, number, watched });
  const at = (number: number) => ({ season: 1, number });
  it('marks, unmarks, and marks until on Shift', () => {
    const list = [ep(1, false), ep(2, false), ep(3, false)];
    expect(checkAction(list, ep(3, false), false)).toEqual({ kind: 'mark', episodes: [at(3)] });
    expect(checkAction(list, ep(3, false), true)).toEqual({ kind: 'until', episode: at(3) });
    expect(checkAction(list, ep(3, true), false)).toEqual({ kind: 'unmark', episodes: [at(3)] });
    expect(checkAction(list, ep(3, true), true)).toEqual({ kind: 'unmark', episodes: [at(3)] });
  });
  it('a Shift-click after a click takes the range between them, either way round', () => {
    const list = [ep(1, true), ep(2, false), ep(3, true), ep(4, false), ep(5, false)];
    expect(checkAction(list, ep(5, false), true, at(2))).toEqual({ kind: 'mark', episodes: [at(2), at(4), at(5)] });
    expect(checkAction(list, ep(2, false), true, at(5))).toEqual({ kind: 'mark', episodes: [at(2), at(4), at(5)] });
    expect(checkAction(list, ep(1, true), true, at(4))).toEqual({ kind: 'unmark', episodes: [at(1), at(3)] });
    // An anchor no longer in the list, or the episode itself: as with no anchor.
    expect(checkAction(list, ep(4, false), true, { season: 2, number: 1 })).toEqual({ kind: 'until', episode: at(4) });
    expect(checkAction(list, ep(4, false), true, at(4))).toEqual({ kind: 'until', episode: at(4) });
    expect(checkAction(list, ep(4, false), false, at(2))).toEqual({ kind: 'mark', episodes: [at(4)] });
  });
  it('a season header marks what has aired and is left, or unmarks a season seen through, in one action', () => {
    const on = (number: number, watched: boolean, airdate: string | null, airstamp: string | null = null) => ({
      ...ep(number, watched),
      airdate,
      airstamp,
    });
    const today = '2015-07-16';
    const season = [on(1, true, '2015-06-24'), on(2, false, '2015-07-01'), on(3, false, null), on(4, false, '2015-07-22')];
    expect(seasonAction(season, today)).toEqual({ kind: 'mark', episodes: [at(2), at(3)] });
    expect(seasonAction(season, null)).toEqual({ kind: 'mark', episodes: [at(2), at(3), at(4)] });
    // By the viewer's day of the instant: tonight's episode can be marked today.
    const tonight = new Date(2015, 6, 16, 22).toISOString();
    expect(seasonAction([on(1, false, '2015-07-17', tonight)], today)).toEqual({ kind: 'mark', episodes: [at(1)] });
    expect(seasonAction([on(1, true, '2015-06-24'), on(2, true, '2015-07-01')], today)).toEqual({
      kind: 'unmark',
      episodes: [at(1), at(2)],
    });
    expect(seasonAction([on(1, true, '2015-06-24'), on(2, false, '2015-07-22')], today), 'caught up').toBeNull();
  });
});

describe('nextEpisodeText', () => {
  // Noon UTC, so the local day is the same in every zone a test runs in
  // but the farthest ones.
  const now = new Date('2026-12-02T12:00:00Z');
  const next = (airstamp: string | null, airdate: string | null) => ({ season: 1, number: 5, airstamp, airdate });
  it('says only the episode once it has aired, or when it has no date', () => {
    expect(nextEpisodeText(next('2026-12-01T12:00:00Z', null), now, '2026-12-02', 'en-GB')).toBe('S1E5');
    expect(nextEpisodeText(next(null, '2026-12-02'), now, '2026-12-02', 'en-GB')).toBe('S1E5');
    expect(nextEpisodeText(next(null, null), now, '2026-12-02', 'en-GB')).toBe('S1E5');
  });
  it('adds the local weekday within the week, the date after it', () => {
    expect(nextEpisodeText(next('2026-12-03T12:00:00Z', null), now, '2026-12-02', 'en-GB')).toBe('S1E5 · Thu');
    expect(nextEpisodeText(next(null, '2026-12-05'), now, '2026-12-02', 'en-GB')).toBe('S1E5 · Sat');
    expect(nextEpisodeText(next(null, '2026-12-24'), now, '2026-12-02', 'en-GB')).toBe('S1E5 · 24 Dec');
  });
  it('names the day in the shown language when no locale is given', () => {
    setLanguage('ja');
    expect(nextEpisodeText(next(null, '2026-12-05'), now, '2026-12-02')).toBe('S1E5 · 土');
    setLanguage('es');
    expect(nextEpisodeText(next(null, '2026-12-24'), now, '2026-12-02')).toBe('S1E5 · 24 dic');
  });
});
