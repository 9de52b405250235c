import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW,
  LatestOnly,
  PAGE_SIZE,
  buildQuery,
  clearFilters,
  hasFilters,
  parseYearRange,
  directionLabel,
  emptyState,
  parseView,
  serializeView,
  type LibraryView,
} from './query';

describe('buildQuery', () => {
  it('asks for the first page of everything on the All tab', () => {
    expect(buildQuery(DEFAULT_VIEW, '')).toEqual({
      status: null,
      platform: null,
      search: null,
      sort: 'added',
      reverse: false,
      limit: PAGE_SIZE,
    });
    expect(buildQuery(DEFAULT_VIEW, '', 50).limit).toBe(50);
  });

  it('passes tab, platform, sort and direction through', () => {
    const view: LibraryView = {
      ...DEFAULT_VIEW,
      tab: 'watching',
      platform: 'Disney+',
      country: 'KR',
      genre: 'Romance',
      tag: 'comfort',
      list: 7,
      favorite: true,
      onMyServices: true,
      yearMin: 2015,
      yearMax: 2020,
      ratingMin: 80,
      ratingMax: null,
      sort: 'rating',
      reverse: true,
      layout: 'list',
    };
    expect(buildQuery(view, '')).toMatchObject({
      status: 'watching',
      platform: 'Disney+',
      country: 'KR',
      genre: 'Romance',
      tag: 'comfort',
      list: 7,
      favorite: true,
      on_my_services: true,
      year_min: 2015,
      year_max: 2020,
      rating_min: 80,
      sort: 'rating',
      reverse: true,
    });
    expect(hasFilters(view)).toBe(true);
    expect(hasFilters(clearFilters(view))).toBe(false);
    expect(clearFilters(view)).toMatchObject({ tab: 'watching', sort: 'rating', layout: 'list' });
  });

  it('ranks a search by relevance unless an order is picked for it', () => {
    const view: LibraryView = { ...DEFAULT_VIEW, sort: 'year' };
    expect(buildQuery(view, 'glory').sort).toBeNull();
    expect(buildQuery(view, 'glory', PAGE_SIZE, 'title').sort).toBe('title');
    expect(buildQuery(view, '', PAGE_SIZE, 'title').sort).toBe('year');
  });

  it('trims the search text and keeps Hangul as typed', () => {
    expect(buildQuery(DEFAULT_VIEW, '  사운드트랙 ').search).toBe('사운드트랙');
    expect(buildQuery(DEFAULT_VIEW, '   ').search).toBeNull();
  });

  it('asks for a list only when one is picked', () => {
    expect(buildQuery(DEFAULT_VIEW, '').list).toBeUndefined();
    expect(buildQuery({ ...DEFAULT_VIEW, list: 4 }, '').list).toBe(4);
    expect(hasFilters({ ...DEFAULT_VIEW, list: 4 })).toBe(true);
  });

  it('treats a blank platform as no filter', () => {
    expect(buildQuery({ ...DEFAULT_VIEW, platform: ' ' }, '').platform).toBeNull();
  });
});

describe('parseYearRange', () => {
  it('reads open and closed ranges', () => {
    expect(parseYearRange('2015', '')).toEqual({ ok: true, min: 2015, max: null });
    expect(parseYearRange(' ', '2020')).toEqual({ ok: true, min: null, max: 2020 });
    expect(parseYearRange('2020', '2020')).toEqual({ ok: true, min: 2020, max: 2020 });
  });

  it('refuses reversed ranges and things that are not years', () => {
    expect(parseYearRange('2021', '2019')).toEqual({ ok: false, error: 'The first year is after the last.' });
    expect(parseYearRange('15', '')).toMatchObject({ ok: false });
    expect(parseYearRange('20x5', '')).toMatchObject({ ok: false });
    expect(parseYearRange('1066', '')).toMatchObject({ ok: false });
  });
});

describe('directionLabel', () => {
  it('names the natural order of each key', () => {
    expect(directionLabel('title', false)).toBe('A → Z');
    expect(directionLabel('title', true)).toBe('Z → A');
    expect(directionLabel('rating', false)).toBe('Highest first');
    expect(directionLabel('finished', true)).toBe('Oldest first');
  });
});

describe('emptyState', () => {
  it('says the whole library is empty and offers a way to start', () => {
    expect(emptyState(DEFAULT_VIEW, '')).toEqual({
      message: 'Your library is empty. Add a title or import from another service.',
      action: 'start',
    });
  });

  it('speaks of each status in a sentence of its own', () => {
    expect(emptyState({ ...DEFAULT_VIEW, tab: 'on_hold' }, '')).toEqual({ message: 'Nothing is on hold.', action: null });
    expect(emptyState({ ...DEFAULT_VIEW, tab: 'watching' }, '  ').message).toBe('You aren’t watching anything right now.');
    const sentences = (['plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped'] as const).map(
      (tab) => emptyState({ ...DEFAULT_VIEW, tab }, '').message,
    );
    expect(new Set(sentences).size).toBe(5);
    for (const m of sentences) {
      expect(m).toMatch(/^[A-Z].*\.$/);
      expect(m).not.toMatch(/titles? yet|all titles/i);
    }
  });

  it('blames the filters, the search or both, and offers to clear just those', () => {
    const filtered: LibraryView = { ...DEFAULT_VIEW, tab: 'completed', country: 'KR' };
    expect(emptyState(filtered, '')).toEqual({ message: 'Nothing matches these filters.', action: 'clear-filters' });
    expect(emptyState(DEFAULT_VIEW, ' 사운드 ')).toEqual({ message: 'Nothing matches “사운드”.', action: 'clear-search' });
    expect(emptyState(filtered, 'sound')).toEqual({
      message: 'Nothing matches “sound” with these filters.',
      action: 'clear-both',
    });
  });
});

describe('saved view', () => {
  it('round-trips', () => {
    const view: LibraryView = {
      tab: 'completed',
      platform: 'Netflix',
      country: 'JP',
      genre: 'Mystery',
      tag: null,
      list: 3,
      favorite: true,
      onMyServices: false,
      yearMin: 2010,
      yearMax: null,
      ratingMin: 70,
      ratingMax: 100,
      sort: 'finished',
      reverse: true,
      layout: 'list',
    };
    expect(parseView(serializeView(view))).toEqual(view);
  });

  it('falls back to defaults for missing, broken or stale values', () => {
    expect(parseView(null)).toEqual(DEFAULT_VIEW);
    expect(parseView('{not json')).toEqual(DEFAULT_VIEW);
    expect(parseView('"a string"')).toEqual(DEFAULT_VIEW);
    expect(parseView(JSON.stringify({ tab: 'archived', sort: 'popularity', layout: 'cards', reverse: 'yes' }))).toEqual(
      DEFAULT_VIEW,
    );
    expect(parseView(JSON.stringify({ tab: 'on_hold' }))).toEqual({ ...DEFAULT_VIEW, tab: 'on_hold' });
    expect(parseView(JSON.stringify({ yearMin: 'soon', ratingMax: 101, ratingMin: 2.5 }))).toEqual(DEFAULT_VIEW);
    expect(parseView(JSON.stringify({ list: 'Top 10' }))).toEqual(DEFAULT_VIEW);
    expect(parseView(JSON.stringify({ list: 0 }))).toEqual(DEFAULT_VIEW);
  });
});

describe('LatestOnly', () => {
  it('drops answers that arrive after a newer request was made', async () => {
    const latest = new LatestOnly();
    let resolveSlow!: (v: string) => void;
    const slow = latest.run(() => new Promise<string>((r) => (resolveSlow = r)));
    const fast = latest.run(async () => 'soundtrack');
    resolveSlow('sou');
    expect(await fast).toEqual({ current: true, value: 'soundtrack' });
    expect(await slow).toEqual({ current: false });
  });

  it('cancel makes a pending request stale', async () => {
    const latest = new LatestOnly();
    const p = latest.run(async () => 1);
    latest.cancel();
    expect(await p).toEqual({ current: false });
  });
});
