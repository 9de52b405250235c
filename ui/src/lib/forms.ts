/**
 * What the forms share: turning what the user typed into what the backend
 * takes (trimmed text, empty text as none, typed numbers), and putting the
 * backend's field errors beside the controls they are about. No rule about
 * what is allowed lives here: the core checks, and names the field.
 */
import type { EntryFields } from './bindings/EntryFields';
import type { Kind } from './bindings/Kind';
import type { NewEntry } from './bindings/NewEntry';
import type { Person } from './bindings/Person';
import type { Status } from './bindings/Status';
import type { TitleFacts } from './bindings/TitleFacts';

/** Trimmed text, or null when nothing is left. */
export function textOrNull(s: string): string | null {
  const t = s.trim();
  return t === '' ? null : t;
}

/**
 * A number typed in a text field: null when empty, the number when it
 * reads as one. Anything else goes to the backend as typed, so its answer
 * names the field — the UI does not decide what a good number is.
 */
export function typedNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  // The type says number because a sensible form holds one; the typed text
  // only ever travels to the backend, which refuses it for this field.
  return Number.isFinite(n) ? n : (t as unknown as number);
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

/** The entry the add dialog asks the backend to check and add. */
export function newEntryOf(form: AddForm): NewEntry {
  const title = emptyFacts();
  title.kind = form.kind;
  title.name = form.title.trim();
  title.original_name = textOrNull(form.originalTitle);
  title.year = typedNumber(form.year);
  title.country = textOrNull(form.country);
  title.episodes = typedNumber(form.episodes);
  const fields = emptyFields(form.status);
  fields.platform = textOrNull(form.platform);
  return { title, fields };
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

/** The title's facts with the form's fields on top of `base` (what the form does not show stays). */
export function factsOf(form: FactsForm, base: TitleFacts): TitleFacts {
  return {
    ...base,
    kind: form.kind,
    name: form.name.trim(),
    original_name: textOrNull(form.originalName),
    year: typedNumber(form.year),
    country: textOrNull(form.country),
    episodes: typedNumber(form.episodes),
    network: textOrNull(form.network),
    genres: dedupe(form.genres.map((g) => g.trim()).filter((g) => g !== '')),
    people: form.people
      .map((p) => ({ ...p, name: p.name.trim(), character: p.character?.trim() || null }))
      .filter((p) => p.name !== ''),
  };
}

/** An error as the backend gives it: a message, and the field it is about if any. */
export type FieldError = { message: string; field?: string };

/** The fields of a title the backend names in its errors, each a control of "Edit details" and the add dialog. */
export const TITLE_FIELDS = [
  'name',
  'original_name',
  'kind',
  'year',
  'country',
  'episodes',
  'network',
  'genres',
  'people',
] as const;

/** Errors by the field whose control shows them; `other` shows by the form's button. */
export interface PlacedErrors<F extends string> {
  at: Partial<Record<F, string>>;
  other: string[];
}

export const NO_ERRORS: PlacedErrors<never> = { at: {}, other: [] };

/**
 * Puts each error beside its control: a form's controls are named by the
 * backend's field names, and `fields` lists those the form has. An error
 * without a field, or about one the form has no control for, goes to
 * `other`. One message per control: the first.
 */
export function placeErrors<F extends string>(errors: readonly FieldError[], fields: readonly F[]): PlacedErrors<F> {
  const placed: PlacedErrors<F> = { at: {}, other: [] };
  for (const e of errors) {
    const field = fields.find((f) => f === e.field);
    if (field === undefined) placed.other.push(e.message);
    else placed.at[field] ??= e.message;
  }
  return placed;
}
