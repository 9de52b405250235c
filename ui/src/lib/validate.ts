/**
 * Checks what the user typed before it goes to the backend, so mistakes are
 * shown next to the field they belong to. The backend checks again; its
 * messages are shown too.
 */
import type { EntryFields } from './bindings/EntryFields';
import type { Kind } from './bindings/Kind';
import type { NewEntry } from './bindings/NewEntry';
import type { Person } from './bindings/Person';
import type { Status } from './bindings/Status';
import type { TitleFacts } from './bindings/TitleFacts';

export const KINDS: Kind[] = ['series', 'miniseries', 'film', 'special'];
export const STATUSES: Status[] = ['plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped'];

export type Errors<K extends string> = Partial<Record<K, string>>;
export type Validated<T, K extends string> = { ok: true; value: T } | { ok: false; errors: Errors<K> };

/** The add dialog's fields, as typed. */
export interface AddForm {
  title: string;
  originalTitle: string;
  kind: Kind;
  year: string;
  country: string;
  episodes: string;
  platform: string;
  status: Status;
}

export type AddField = keyof AddForm;

export const EARLIEST_YEAR = 1870;

export function latestYear(today: Date = new Date()): number {
  return today.getFullYear() + 5;
}

function blankToNull(s: string): string | null {
  const t = s.trim();
  return t === '' ? null : t;
}

/** A whole number in [min, max], or an error message. Empty is null. */
export function parseWhole(text: string, min: number, max: number, what: string): { value: number | null } | { error: string } {
  const t = text.trim();
  if (t === '') return { value: null };
  if (!/^\d+$/.test(t)) return { error: `${what} must be a whole number.` };
  const n = Number(t);
  if (n < min || n > max) return { error: `${what} must be between ${min} and ${max}.` };
  return { value: n };
}

export function checkYear(text: string, today?: Date): { value: number | null } | { error: string } {
  return parseWhole(text, EARLIEST_YEAR, latestYear(today), 'Year');
}

export function checkCountry(text: string): { value: string | null } | { error: string } {
  const t = text.trim();
  if (t === '') return { value: null };
  if (!/^[A-Za-z]{2}$/.test(t)) return { error: 'Use the two-letter country code, like KR, JP or CN.' };
  return { value: t.toUpperCase() };
}

export function checkEpisodes(text: string): { value: number | null } | { error: string } {
  const r = parseWhole(text, 1, 100000, 'Episodes');
  return r;
}

export function emptyFacts(): TitleFacts {
  return {
    kind: 'series',
    name: '',
    original_name: null,
    year: null,
    country: null,
    language: null,
    network: null,
    genres: [],
    seasons: null,
    episodes: null,
    runtime_minutes: null,
    airing: null,
    synopsis: null,
    poster_url: null,
    people: [],
    external_ids: { tvmaze: null, tmdb: null, imdb: null, tvdb: null, mydramalist: null },
  };
}

export function emptyFields(status: Status = 'plan_to_watch'): EntryFields {
  return {
    status,
    rating: null,
    scores: { story: null, acting: null, music: null, rewatch_value: null },
    review: null,
    review_spoiler: false,
    notes: null,
    platform: null,
    progress: 0,
    favorite: false,
    tags: [],
    started_on: null,
    finished_on: null,
  };
}

/** Validates the add dialog and builds the `NewEntry` to send. */
export function validateAddForm(form: AddForm, today?: Date): Validated<NewEntry, AddField> {
  const errors: Errors<AddField> = {};
  const title = form.title.trim();
  if (title === '') errors.title = 'Give the title a name.';
  else if (title.length > 500) errors.title = 'The title is too long (500 characters at most).';
  if (!KINDS.includes(form.kind)) errors.kind = 'Choose a kind.';
  if (!STATUSES.includes(form.status)) errors.status = 'Choose a status.';
  const year = checkYear(form.year, today);
  if ('error' in year) errors.year = year.error;
  const country = checkCountry(form.country);
  if ('error' in country) errors.country = country.error;
  const episodes = checkEpisodes(form.episodes);
  if ('error' in episodes) errors.episodes = episodes.error;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const facts = emptyFacts();
  facts.kind = form.kind;
  facts.name = title;
  facts.original_name = blankToNull(form.originalTitle);
  facts.year = 'value' in year ? year.value : null;
  facts.country = 'value' in country ? country.value : null;
  facts.episodes = 'value' in episodes ? episodes.value : null;
  if (facts.episodes === null && form.kind === 'film') facts.episodes = 1;
  const fields = emptyFields(form.status);
  fields.platform = blankToNull(form.platform);
  return { ok: true, value: { title: facts, fields } };
}

/** The "Edit details" form, as typed. */
export interface FactsForm {
  kind: Kind;
  name: string;
  originalName: string;
  year: string;
  country: string;
  episodes: string;
  network: string;
  genres: string[];
  people: Person[];
}

export type FactsField = keyof FactsForm;

/** Validates "Edit details" and returns the facts with the user's changes on top of `base`. */
export function validateFactsForm(form: FactsForm, base: TitleFacts, today?: Date): Validated<TitleFacts, FactsField> {
  const errors: Errors<FactsField> = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Give the title a name.';
  const year = checkYear(form.year, today);
  if ('error' in year) errors.year = year.error;
  const country = checkCountry(form.country);
  if ('error' in country) errors.country = country.error;
  const episodes = checkEpisodes(form.episodes);
  if ('error' in episodes) errors.episodes = episodes.error;
  const people = form.people
    .map((p) => ({ ...p, name: p.name.trim(), character: p.character?.trim() || null }))
    .filter((p) => p.name !== '');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ...base,
      kind: form.kind,
      name,
      original_name: blankToNull(form.originalName),
      year: 'value' in year ? year.value : null,
      country: 'value' in country ? country.value : null,
      episodes: 'value' in episodes ? episodes.value : null,
      network: blankToNull(form.network),
      genres: dedupe(form.genres.map((g) => g.trim()).filter((g) => g !== '')),
      people,
    },
  };
}

export type EntryField = 'progress' | 'rating' | 'dates' | 'platform' | 'review' | 'tags';

/** Checks the editor's fields before saving. */
export function validateEntryFields(fields: EntryFields, episodes: number | null): Errors<EntryField> {
  const errors: Errors<EntryField> = {};
  if (!Number.isInteger(fields.progress) || fields.progress < 0) {
    errors.progress = 'Progress must be a whole number of episodes.';
  } else if (episodes !== null && fields.progress > episodes) {
    errors.progress = `This title has ${episodes} episode${episodes === 1 ? '' : 's'}.`;
  }
  if (fields.started_on && fields.finished_on && fields.finished_on < fields.started_on) {
    errors.dates = 'The finish date is before the start date.';
  }
  return errors;
}

/**
 * Guesses which editor field a backend message is about, so it can be shown
 * beside that field; `null` shows it by the Save button.
 */
export function fieldForMessage(message: string): EntryField | null {
  const m = message.toLowerCase();
  if (/\brating|score/.test(m)) return 'rating';
  if (/progress|episode/.test(m)) return 'progress';
  if (/date|finish|start/.test(m)) return 'dates';
  if (/platform/.test(m)) return 'platform';
  if (/review/.test(m)) return 'review';
  if (/\btag/.test(m)) return 'tags';
  return null;
}

/** Normalises and dedupes chips (tags, genres), keeping the first spelling. */
export function dedupe(items: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const key = item.toLocaleLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}
