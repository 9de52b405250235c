/**
 * The entry editor's draft: the user's fields as they are being edited,
 * compared with the entry as last saved. Saving sends only the keys the
 * user changed (`patchOf`), so a change made meanwhile elsewhere (the CLI,
 * +1 episode) to another field is kept. Answers the backend gives while
 * the draft is open — a fresh entry, a preview of the status rules — are
 * merged without losing unsaved edits.
 */
import type { Entry } from './bindings/Entry';
import type { EntryFields } from './bindings/EntryFields';
import type { EntryPatch } from './bindings/EntryPatch';

type Key = keyof EntryFields;

const KEYS: Key[] = [
  'status',
  'rating',
  'scores',
  'review',
  'review_spoiler',
  'notes',
  'platform',
  'progress',
  'favorite',
  'tags',
  'started_on',
  'finished_on',
];

/** Text fields where an empty (or, for prose, blank) value means "none". */
const TEXT_KEYS = new Set<Key>(['review', 'notes', 'platform', 'started_on', 'finished_on']);

/** The backend's field names the editor has a control for, to show an error beside. */
export const ENTRY_CONTROLS = [
  'status',
  'rating',
  'scores.story',
  'scores.acting',
  'scores.music',
  'scores.rewatch_value',
  'review',
  'notes',
  'platform',
  'progress',
  'tags',
  'started_on',
  'finished_on',
] as const;

export type EntryControl = (typeof ENTRY_CONTROLS)[number];

/** The fields the core's status rules may change (plain values, no objects): a preview's answer for them is taken into the draft. */
export const DERIVED_KEYS: Key[] = ['status', 'progress', 'started_on', 'finished_on'];

/** The editable fields of an entry, as a fresh copy the editor can change. */
export function fieldsOf(entry: EntryFields | Entry): EntryFields {
  return {
    status: entry.status,
    rating: entry.rating,
    scores: { ...entry.scores },
    review: entry.review,
    review_spoiler: entry.review_spoiler,
    notes: entry.notes,
    platform: entry.platform,
    progress: entry.progress,
    favorite: entry.favorite,
    tags: [...entry.tags],
    started_on: entry.started_on,
    finished_on: entry.finished_on,
  };
}

/** What the backend is sent for one key: text left blank is no text. */
function shaped(key: Key, value: unknown): unknown {
  if (TEXT_KEYS.has(key) && typeof value === 'string' && value.trim() === '') return null;
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function changed(saved: EntryFields, draft: EntryFields, key: Key): boolean {
  return !same(shaped(key, saved[key]), shaped(key, draft[key]));
}

/** The keys of `draft` that differ from `saved`, and only those, shaped for the backend. */
export function patchOf(saved: EntryFields, draft: EntryFields): EntryPatch {
  const copy = fieldsOf(draft);
  const patch: Record<string, unknown> = {};
  for (const key of KEYS) {
    if (changed(saved, copy, key)) patch[key] = shaped(key, copy[key]);
  }
  return patch as EntryPatch;
}

/** Whether saving `draft` would change anything. */
export function isDirty(saved: EntryFields, draft: EntryFields): boolean {
  return KEYS.some((key) => changed(saved, draft, key));
}

/**
 * The draft on top of `next`, a fresher entry from the backend: keys the
 * user has not changed from `saved` take `next`'s value, edited keys stay.
 */
export function rebase(saved: EntryFields, draft: EntryFields, next: EntryFields): EntryFields {
  const fresh = fieldsOf(next);
  const merged = fieldsOf(draft) as Record<Key, unknown>;
  for (const key of KEYS) {
    if (!changed(saved, draft, key)) merged[key] = fresh[key];
  }
  return merged as unknown as EntryFields;
}

/**
 * Takes the status rules' effect from a preview into the draft: for each
 * derived key (status, progress, dates) the preview's value, unless the
 * draft's value has moved since the preview was asked for (`sent`) — a
 * later edit, or +1 episode meanwhile, is newer than the preview.
 */
export function mergePreview(sent: EntryFields, draft: EntryFields, preview: EntryFields): EntryFields {
  const merged = fieldsOf(draft) as Record<Key, unknown>;
  for (const key of DERIVED_KEYS) {
    if (same(sent[key], draft[key])) merged[key] = preview[key];
  }
  return merged as unknown as EntryFields;
}
