/**
 * The library's view state (tab, platform, sort, layout) and how it becomes a
 * `ListQuery` for the backend. Kept free of Svelte so it can be unit tested.
 */
import type { ListQuery } from './bindings/ListQuery';
import type { SortKey } from './bindings/SortKey';
import type { Status } from './bindings/Status';
import { t } from './i18n';

export type Tab = 'all' | Status;
export type Layout = 'grid' | 'list';

export interface LibraryView {
  tab: Tab;
  platform: string | null;
  /** ISO country code of the titles shown, or all countries. */
  country: string | null;
  genre: string | null;
  tag: string | null;
  /** Only the entries on this list (its id). */
  list: number | null;
  /** Only favourites. */
  favorite: boolean;
  /** Only titles on a service the user subscribes to. */
  onMyServices: boolean;
  /** Release years, inclusive; either end may be open. */
  yearMin: number | null;
  yearMax: number | null;
  /** Ratings as stored (0–100), inclusive; unrated titles are left out. */
  ratingMin: number | null;
  ratingMax: number | null;
  sort: SortKey;
  reverse: boolean;
  layout: Layout;
}

export const TABS: Tab[] = ['all', 'plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped'];
export const SORT_KEYS: SortKey[] = ['added', 'title', 'year', 'rating', 'finished'];

/** A sort key's name in the shown language. */
export function sortLabel(key: SortKey): string {
  return t(`library:sort.${key}`);
}

/** Every filter chip off. */
const NO_FILTERS = {
  platform: null,
  country: null,
  genre: null,
  tag: null,
  list: null,
  favorite: false,
  onMyServices: false,
  yearMin: null,
  yearMax: null,
  ratingMin: null,
  ratingMax: null,
} satisfies Partial<LibraryView>;

export const DEFAULT_VIEW: LibraryView = {
  tab: 'all',
  ...NO_FILTERS,
  sort: 'added',
  reverse: false,
  layout: 'grid',
};

/**
 * Rows asked for at a time. The view fetches the pages under the visible
 * part of the list as it scrolls; 120 fills a whole number of grid rows at
 * 2, 3, 4, 5, 6, 8, 10 or 12 columns.
 */
export const PAGE_SIZE = 120;

function blankToNull(s: string | null): string | null {
  return s !== null && s.trim() !== '' ? s : null;
}

/**
 * The query for a view and the text in the search box (no page position).
 * A search is ranked by relevance unless `searchSort` picks an order for it.
 */
export function buildQuery(
  view: LibraryView,
  search: string,
  limit: number = PAGE_SIZE,
  searchSort: SortKey | null = null,
): ListQuery {
  const text = search.trim();
  return {
    status: view.tab === 'all' ? null : view.tab,
    platform: blankToNull(view.platform),
    country: blankToNull(view.country) ?? undefined,
    genre: blankToNull(view.genre) ?? undefined,
    tag: blankToNull(view.tag) ?? undefined,
    list: view.list ?? undefined,
    favorite: view.favorite ? true : undefined,
    on_my_services: view.onMyServices ? true : undefined,
    year_min: view.yearMin ?? undefined,
    year_max: view.yearMax ?? undefined,
    rating_min: view.ratingMin ?? undefined,
    rating_max: view.ratingMax ?? undefined,
    search: text === '' ? null : text,
    sort: text === '' ? view.sort : searchSort,
    reverse: view.reverse,
    limit,
  };
}

/** Whether any filter besides the status tab narrows the view. */
export function hasFilters(view: LibraryView): boolean {
  return (
    view.platform !== null ||
    view.country !== null ||
    view.genre !== null ||
    view.tag !== null ||
    view.list !== null ||
    view.favorite ||
    view.onMyServices ||
    view.yearMin !== null ||
    view.yearMax !== null ||
    view.ratingMin !== null ||
    view.ratingMax !== null
  );
}

/** The view with every filter chip cleared (tab, sort and layout kept). */
export function clearFilters(view: LibraryView): LibraryView {
  return { ...view, ...NO_FILTERS };
}

/**
 * Which way the list runs, in words. The backend's natural order is A→Z
 * for titles and newest or highest first for everything else.
 */
export function directionLabel(sort: SortKey | null, reverse: boolean): string {
  switch (sort) {
    case null:
      return reverse ? t('library:direction.weakestMatch') : t('library:direction.bestMatch');
    case 'title':
      return reverse ? t('library:direction.zToA') : t('library:direction.aToZ');
    case 'rating':
      return reverse ? t('library:direction.lowest') : t('library:direction.highest');
    case 'year':
    case 'added':
    case 'finished':
      return reverse ? t('library:direction.oldest') : t('library:direction.newest');
  }
}

/**
 * What an empty listing offers: clearing what narrowed it, or (for the
 * whole library) adding a title or importing one.
 */
export type EmptyAction = 'clear-search' | 'clear-filters' | 'clear-both' | 'start' | null;

/**
 * The sentence shown when the library answered a view with no rows, and the
 * way out of it. Only for an answer: a listing still loading shows
 * placeholders instead.
 */
export function emptyState(view: LibraryView, search: string): { message: string; action: EmptyAction } {
  const query = search.trim();
  const filtered = hasFilters(view);
  if (query !== '' && filtered) {
    return { message: t('library:empty.searchAndFilters', { query }), action: 'clear-both' };
  }
  if (query !== '') return { message: t('library:empty.search', { query }), action: 'clear-search' };
  if (filtered) return { message: t('library:empty.filters'), action: 'clear-filters' };
  if (view.tab === 'all') return { message: t('library:empty.library'), action: 'start' };
  return { message: t(`library:empty.status.${view.tab}`), action: null };
}

export const VIEW_STORAGE_KEY = 'watchlog.libraryView';

/** Reads a saved view, keeping only values that are still valid. */
export function parseView(raw: string | null): LibraryView {
  if (!raw) return { ...DEFAULT_VIEW };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ...DEFAULT_VIEW };
  }
  if (typeof data !== 'object' || data === null) return { ...DEFAULT_VIEW };
  const d = data as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  const int = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null;
  return {
    tab: TABS.includes(d.tab as Tab) ? (d.tab as Tab) : DEFAULT_VIEW.tab,
    platform: text(d.platform),
    country: text(d.country),
    genre: text(d.genre),
    tag: text(d.tag),
    list: int(d.list, 1, Number.MAX_SAFE_INTEGER),
    favorite: d.favorite === true,
    onMyServices: d.onMyServices === true,
    yearMin: int(d.yearMin, 1800, 3000),
    yearMax: int(d.yearMax, 1800, 3000),
    ratingMin: int(d.ratingMin, 0, 100),
    ratingMax: int(d.ratingMax, 0, 100),
    sort: SORT_KEYS.includes(d.sort as SortKey) ? (d.sort as SortKey) : DEFAULT_VIEW.sort,
    reverse: typeof d.reverse === 'boolean' ? d.reverse : DEFAULT_VIEW.reverse,
    layout: d.layout === 'list' || d.layout === 'grid' ? d.layout : DEFAULT_VIEW.layout,
  };
}

export function serializeView(view: LibraryView): string {
  return JSON.stringify({
    tab: view.tab,
    platform: view.platform,
    country: view.country,
    genre: view.genre,
    tag: view.tag,
    list: view.list,
    favorite: view.favorite,
    onMyServices: view.onMyServices,
    yearMin: view.yearMin,
    yearMax: view.yearMax,
    ratingMin: view.ratingMin,
    ratingMax: view.ratingMax,
    sort: view.sort,
    reverse: view.reverse,
    layout: view.layout,
  });
}

/**
 * Runs the latest of a series of async requests and drops answers to older
 * ones, so a slow answer to "sou" never replaces the answer to "soundtrack".
 */
export class LatestOnly {
  private seq = 0;

  async run<T>(request: () => Promise<T>): Promise<{ current: true; value: T } | { current: false }> {
    const mine = ++this.seq;
    const value = await request();
    return mine === this.seq ? { current: true, value } : { current: false };
  }

  /** Makes every request in flight stale. */
  cancel(): void {
    this.seq++;
  }
}

/**
 * Reads the two ends of a year range as typed. Blank ends are open; a year
 * outside 1800–3000 or a first year after the last is refused with a reason.
 */
export function parseYearRange(
  from: string,
  to: string,
): { ok: true; min: number | null; max: number | null } | { ok: false; error: string } {
  const read = (t: string): number | null | undefined => {
    const s = t.trim();
    if (s === '') return null;
    if (!/^\d{4}$/.test(s)) return undefined;
    const y = Number(s);
    return y >= 1800 && y <= 3000 ? y : undefined;
  };
  const min = read(from);
  const max = read(to);
  if (min === undefined || max === undefined) return { ok: false, error: t('filters:year.notAYear') };
  if (min !== null && max !== null && min > max) return { ok: false, error: t('filters:year.backwards') };
  return { ok: true, min, max };
}
