/**
 * MOCK_BACKEND — an in-memory stand-in for the Tauri commands, used only by
 * `npm run dev:mock` to work on the UI in a plain browser. It follows the
 * core's rules closely enough to exercise every screen; it is not the
 * product and never ships (api.ts loads it only in Vite's "mock" mode).
 *
 * URL switches: `?empty` starts with an empty library, `?scale=5|10|100` and
 * `?theme=light|dark|system` preset the settings.
 */
import { marked } from 'marked';
import type { Entry } from '../bindings/Entry';
import type { EntryFields } from '../bindings/EntryFields';
import type { EntrySummary } from '../bindings/EntrySummary';
import type { ListQuery } from '../bindings/ListQuery';
import type { ListPage } from '../bindings/ListPage';
import type { Facets } from '../bindings/Facets';
import type { NewEntry } from '../bindings/NewEntry';
import type { Platform } from '../bindings/Platform';
import type { Settings } from '../bindings/Settings';
import type { Stats } from '../bindings/Stats';
import type { StatusCounts } from '../bindings/StatusCounts';
import type { TitleFacts } from '../bindings/TitleFacts';
import type { Count } from '../bindings/Count';
import type { RatingScale } from '../bindings/RatingScale';
import type { Theme } from '../bindings/Theme';
import type { ViewingDetails } from '../api';
import { SAMPLE } from './data';

const params = new URLSearchParams(typeof location !== 'undefined' ? location.search : '');

let nextId = 1;
let nextViewing = 1;
let entries: Entry[] = [];
let platforms: Platform[] = [
  'Disney+', 'Netflix', 'Viki', 'Prime Video', 'Apple TV+', 'Wavve', 'TVING', 'iQIYI', 'WeTV', 'Crunchyroll',
].map((name, i) => ({ id: i + 1, name, subscribed: name === 'Netflix' || name === 'Disney+', entries: 0 }));
let settings: Settings = {
  rating_scale: (params.get('scale') as RatingScale) ?? '10',
  theme: (params.get('theme') as Theme) ?? 'system',
  default_platform: 'Netflix',
};

class Failure {
  constructor(
    public code: string,
    public message: string,
  ) {}
}
const invalid = (m: string) => new Failure('invalid_input', m);

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function makeEntry(n: NewEntry, addedAt: string): Entry {
  const id = nextId++;
  return {
    id,
    title: { ...n.title, id },
    rating_10: null,
    viewings: [],
    rewatch_count: 0,
    added_at: addedAt,
    updated_at: addedAt,
    ...n.fields,
  };
}

function settle(e: Entry): Entry {
  if (e.status === 'completed' && e.title.episodes) e.progress = e.title.episodes;
  if ((e.status === 'watching' || e.status === 'completed') && !e.started_on) e.started_on = today();
  if (e.status === 'completed' && !e.finished_on) e.finished_on = today();
  e.rating_10 = e.rating === null ? null : Math.floor((e.rating + 2) / 5) / 2;
  e.rewatch_count = e.viewings.length;
  e.updated_at = new Date().toISOString();
  return e;
}

function checkFields(f: EntryFields, facts: TitleFacts) {
  if (f.rating !== null && (f.rating < 0 || f.rating > 100)) throw invalid('a rating must be between 0 and 100');
  if (facts.episodes !== null && f.progress > facts.episodes)
    throw invalid(`progress ${f.progress} is past the last episode (${facts.episodes})`);
  if (f.started_on && f.finished_on && f.finished_on < f.started_on)
    throw invalid('the finish date is before the start date');
}

function checkFacts(t: TitleFacts) {
  if (!t.name.trim()) throw invalid('a title needs a name');
  if (t.country && !/^[A-Z]{2}$/.test(t.country)) throw invalid(`'${t.country}' is not a two-letter country code`);
}

function loadSample(): number {
  const base = Date.now() - SAMPLE.length * 86400000;
  SAMPLE.forEach((s, i) => entries.push(settle(makeEntry(clone(s), new Date(base + i * 86400000).toISOString()))));
  return SAMPLE.length;
}
if (!params.has('empty')) loadSample();

function find(id: number): Entry {
  const e = entries.find((x) => x.id === id);
  if (!e) throw new Failure('not_found', `there is no entry with id ${id}`);
  return e;
}

function summary(e: Entry): EntrySummary {
  return {
    id: e.id,
    kind: e.title.kind,
    name: e.title.name,
    original_name: e.title.original_name,
    year: e.title.year,
    country: e.title.country,
    status: e.status,
    rating: e.rating,
    rating_10: e.rating_10,
    progress: e.progress,
    episodes: e.title.episodes,
    platform: e.platform,
    favorite: e.favorite,
    poster_url: e.title.poster_url,
    finished_on: e.finished_on,
    added_at: e.added_at,
    poster: null,
  };
}

function matching(q: ListQuery, skip: 'platform' | 'country' | 'genre' | 'tag' | null = null): Entry[] {
  const needle = q.search?.toLocaleLowerCase() ?? null;
  return entries.filter(
    (e) =>
      (!q.status || e.status === q.status) &&
      (skip === 'platform' || !q.platform || e.platform === q.platform) &&
      (skip === 'country' || !q.country || e.title.country === q.country) &&
      (skip === 'genre' || !q.genre || e.title.genres.includes(q.genre)) &&
      (skip === 'tag' || !q.tag || e.tags.includes(q.tag)) &&
      (!q.favorite || e.favorite) &&
      (!needle ||
        e.title.name.toLocaleLowerCase().includes(needle) ||
        (e.title.original_name ?? '').toLocaleLowerCase().includes(needle)),
  );
}

function list(q: ListQuery): EntrySummary[] {
  let rows = matching(q);
  const key = q.sort ?? 'added';
  const cmp: Record<string, (a: Entry, b: Entry) => number> = {
    title: (a, b) => a.title.name.localeCompare(b.title.name),
    year: (a, b) => (b.title.year ?? -1) - (a.title.year ?? -1),
    rating: (a, b) => (b.rating ?? -1) - (a.rating ?? -1),
    added: (a, b) => b.added_at.localeCompare(a.added_at),
    finished: (a, b) => (b.finished_on ?? '').localeCompare(a.finished_on ?? ''),
  };
  rows = [...rows].sort(cmp[key]);
  if (q.reverse) rows.reverse();
  return rows.slice(0, q.limit ?? undefined).map(summary);
}

/** Offsets as cursors: the preview's data never changes under it. */
function listPage(q: ListQuery): ListPage {
  const start = q.cursor ? Number(q.cursor) : (q.offset ?? 0);
  const all = list({ ...q, limit: null });
  const end = q.limit === null ? all.length : start + q.limit;
  return { rows: all.slice(start, end), next_cursor: end < all.length ? String(end) : null };
}

function facets(q: ListQuery): Facets {
  return {
    total: matching(q).length,
    status: (['plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped'] as const).map((s) => ({
      label: s,
      count: matching({ ...q, status: s }).length,
    })),
    platform: tally(matching(q, 'platform').map((e) => e.platform)),
    country: tally(matching(q, 'country').map((e) => e.title.country)),
    genre: tally(matching(q, 'genre').flatMap((e) => e.title.genres)),
    tag: tally(matching(q, 'tag').flatMap((e) => e.tags)),
  };
}

function counts(): StatusCounts {
  const c: StatusCounts = { all: entries.length, plan_to_watch: 0, watching: 0, completed: 0, on_hold: 0, dropped: 0 };
  for (const e of entries) c[e.status]++;
  return c;
}

function tally(values: Array<string | null>): Count[] {
  const m = new Map<string, number>();
  for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
}

function stats(): Stats {
  const rated = entries.filter((e) => e.rating !== null);
  return {
    titles: entries.length,
    by_status: counts(),
    by_kind: tally(entries.map((e) => e.title.kind)),
    by_platform: tally(entries.map((e) => e.platform)),
    by_country: tally(entries.map((e) => e.title.country)),
    rating_distribution: [],
    average_rating: rated.length ? rated.reduce((s, e) => s + (e.rating ?? 0), 0) / rated.length / 10 : null,
    episodes_watched: entries.reduce((s, e) => s + e.progress, 0),
    hours_watched: entries.reduce((s, e) => s + (e.progress * (e.title.runtime_minutes ?? 0)) / 60, 0),
    finished_per_month: [],
    reviews: entries.filter((e) => e.review).length,
    favorites: entries.filter((e) => e.favorite).length,
    hours_per_month: [],
    top_genres: [],
    rating_by_platform: [],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
marked.use({ renderer: { html: ({ text }) => escapeHtml(text) } });

function platformList(): Platform[] {
  return platforms
    .map((p) => ({ ...p, entries: entries.filter((e) => e.platform === p.name).length }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

type Args = Record<string, unknown>;
const handlers: Record<string, (a: Args) => unknown> = {
  library_info: () => ({
    path: '/home/you/.local/share/app.watchlog/watchlog.db',
    schema_version: 1,
    supported_version: 1,
    integrity: ['ok'],
    entries: entries.length,
    size_bytes: 180224,
  }),
  list_page: (a) => listPage(a.query as ListQuery),
  facet_counts: (a) => facets(a.query as ListQuery),
  status_counts: () => counts(),
  get_entry: (a) => find(a.id as number),
  // The browser preview has no poster cache: placeholders everywhere.
  entry_poster: () => null,
  poster_status: () => ({ with_address: 0, cached: 0, failed: 0, missing: 0, bytes: 0, failures: [] }),
  add_entry: (a) => {
    const n = clone(a.entry as NewEntry);
    checkFacts(n.title);
    checkFields(n.fields, n.title);
    const e = settle(makeEntry(n, new Date().toISOString()));
    entries.push(e);
    return e;
  },
  update_entry: (a) => {
    const e = find(a.id as number);
    const f = clone(a.fields as EntryFields);
    checkFields(f, e.title);
    Object.assign(e, f);
    return settle(e);
  },
  update_title: (a) => {
    const e = find(a.id as number);
    const t = clone(a.facts as TitleFacts);
    checkFacts(t);
    e.title = { ...t, id: e.title.id };
    return settle(e);
  },
  add_episode: (a) => {
    const e = find(a.id as number);
    if (e.title.episodes !== null && e.progress >= e.title.episodes) throw invalid('every episode is already watched');
    e.progress++;
    if (e.status === 'plan_to_watch' || e.status === 'on_hold') e.status = 'watching';
    if (e.title.episodes !== null && e.progress === e.title.episodes) e.status = 'completed';
    return settle(e);
  },
  delete_entry: (a) => {
    find(a.id as number);
    entries = entries.filter((e) => e.id !== a.id);
    return null;
  },
  add_viewing: (a) => {
    const e = find(a.id as number);
    e.viewings.push({ id: nextViewing++, ...(a.viewing as ViewingDetails) });
    return settle(e);
  },
  delete_viewing: (a) => {
    const e = entries.find((x) => x.viewings.some((v) => v.id === a.viewingId));
    if (!e) throw new Failure('not_found', `there is no viewing with id ${a.viewingId}`);
    e.viewings = e.viewings.filter((v) => v.id !== a.viewingId);
    return settle(e);
  },
  render_markdown: (a) => marked.parse(a.markdown as string, { async: false }),
  list_platforms: () => platformList(),
  add_platform: (a) => {
    const name = (a.name as string).trim();
    if (!name) throw invalid('a platform needs a name');
    if (platforms.some((p) => p.name.toLowerCase() === name.toLowerCase()))
      throw new Failure('conflict', `there is already a platform named ${name}`);
    const p = { id: Math.max(0, ...platforms.map((x) => x.id)) + 1, name, subscribed: a.subscribed as boolean, entries: 0 };
    platforms.push(p);
    return p;
  },
  update_platform: (a) => {
    const p = platforms.find((x) => x.id === a.id);
    if (!p) throw new Failure('not_found', `there is no platform with id ${a.id}`);
    const name = (a.name as string).trim();
    if (!name) throw invalid('a platform needs a name');
    for (const e of entries) if (e.platform === p.name) e.platform = name;
    p.name = name;
    p.subscribed = a.subscribed as boolean;
    return platformList().find((x) => x.id === p.id);
  },
  delete_platform: (a) => {
    platforms = platforms.filter((p) => p.id !== a.id);
    return null;
  },
  get_settings: () => settings,
  save_settings: (a) => (settings = clone(a.settings as Settings)),
  load_sample: () => loadSample(),
  stats: () => stats(),
  open_url: (a) => {
    window.open(a.url as string, '_blank', 'noopener');
    return null;
  },
};

/** Answers like Tauri's `invoke`, after a short delay like a real round trip. */
export async function mockInvoke<T>(cmd: string, args: Args = {}): Promise<T> {
  await new Promise((r) => setTimeout(r, 40 + Math.random() * 80));
  const handler = handlers[cmd];
  if (!handler) throw `command ${cmd} not found`;
  try {
    return clone(handler(args)) as T;
  } catch (e) {
    if (e instanceof Failure) throw { code: e.code, message: e.message };
    throw e;
  }
}
