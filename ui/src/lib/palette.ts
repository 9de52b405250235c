/**
 * The command palette's logic, apart from the component: the actions it
 * offers for the app's state, how typed text matches them (a subsequence
 * scorer), which row is active as the arrows move, and which answer of
 * the entry search is still wanted. The palette component only draws it
 * and runs what is picked (`paletteRun.ts`).
 */
import { LANGUAGES, t, type Language } from './i18n';
import { STATUSES } from './format';
import type { Status } from './bindings/Status';
import type { Theme } from './bindings/Theme';

/** What an action does when picked; `paletteRun.ts` carries it out. */
export type Command =
  | { do: 'page'; page: 'upnext' | 'calendar' | 'library' | 'settings' }
  | { do: 'status'; status: Status }
  | { do: 'stats'; tab: 'library' | 'year' }
  | { do: 'list'; id: number }
  | { do: 'add' }
  | { do: 'import' }
  | { do: 'export' }
  | { do: 'newList' }
  | { do: 'backup' }
  | { do: 'undoImport' }
  | { do: 'theme'; theme: Theme }
  | { do: 'language'; language: Language | null };

export interface Action {
  /** Stable for a given action: the listbox's option ids and the tests use it. */
  id: string;
  label: string;
  /** Other words it is known by, matched as well as the label. */
  keywords: string[];
  command: Command;
}

/** What the actions depend on. */
export interface ActionContext {
  lists: ReadonlyArray<{ id: number; name: string }>;
  /** Whether an import can be undone now. */
  undoAvailable: boolean;
  theme: Theme;
  /** The language picked in the app; `null` follows the system. */
  language: Language | null;
}

const THEMES: Theme[] = ['system', 'light', 'dark'];

/** Every action the palette offers in `ctx`, in the order shown for no text. */
export function actions(ctx: ActionContext): Action[] {
  const out: Action[] = [
    { id: 'page-upnext', label: t('palette:go.upnext'), keywords: [], command: { do: 'page', page: 'upnext' } },
    { id: 'page-calendar', label: t('palette:go.calendar'), keywords: [], command: { do: 'page', page: 'calendar' } },
    { id: 'page-library', label: t('palette:go.library'), keywords: [], command: { do: 'page', page: 'library' } },
  ];
  for (const status of STATUSES) {
    out.push({
      id: `status-${status}`,
      label: t('palette:go.status', { status: t(`common:status.${status}`) }),
      keywords: [],
      command: { do: 'status', status },
    });
  }
  out.push(
    { id: 'stats', label: t('palette:go.stats'), keywords: [], command: { do: 'stats', tab: 'library' } },
    { id: 'year', label: t('palette:go.year'), keywords: [], command: { do: 'stats', tab: 'year' } },
    { id: 'page-settings', label: t('palette:go.settings'), keywords: [], command: { do: 'page', page: 'settings' } },
  );
  for (const list of ctx.lists) {
    out.push({
      id: `list-${list.id}`,
      label: t('palette:go.list', { name: list.name }),
      keywords: [],
      command: { do: 'list', id: list.id },
    });
  }
  out.push(
    { id: 'add', label: t('palette:do.add'), keywords: [t('palette:keywords.add')], command: { do: 'add' } },
    { id: 'import', label: t('palette:do.import'), keywords: [], command: { do: 'import' } },
    { id: 'export', label: t('palette:do.export'), keywords: [], command: { do: 'export' } },
    { id: 'new-list', label: t('palette:do.newList'), keywords: [], command: { do: 'newList' } },
    { id: 'backup', label: t('palette:do.backup'), keywords: [], command: { do: 'backup' } },
  );
  if (ctx.undoAvailable) {
    out.push({ id: 'undo-import', label: t('palette:do.undoImport'), keywords: [], command: { do: 'undoImport' } });
  }
  for (const theme of THEMES.filter((th) => th !== ctx.theme)) {
    out.push({
      id: `theme-${theme}`,
      label: t('palette:theme', { theme }),
      keywords: [t('palette:keywords.theme')],
      command: { do: 'theme', theme },
    });
  }
  if (ctx.language !== null) {
    out.push({
      id: 'language-system',
      label: t('palette:languageSystem'),
      keywords: [t('palette:keywords.language')],
      command: { do: 'language', language: null },
    });
  }
  for (const l of LANGUAGES.filter((l) => l.code !== ctx.language)) {
    out.push({
      id: `language-${l.code}`,
      // The language's own name, so a reader of it finds it in any language.
      label: t('palette:language', { name: l.name }),
      keywords: [t('palette:keywords.language'), l.code],
      command: { do: 'language', language: l.code },
    });
  }
  return out;
}

/** Case and accents folded, so "resume" finds "Résumé". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function isWordStart(text: string, i: number): boolean {
  return i === 0 || /[\s\-_/.:(…]/.test(text[i - 1]);
}

function isSubsequence(q: string, s: string, from: number): boolean {
  for (const ch of q) {
    const at = s.indexOf(ch, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

/**
 * How well `query` matches `text` as a subsequence: every typed letter in
 * order, spaces in the query ignored. `null` when it does not match; higher
 * is better. A run of consecutive letters, a letter that starts a word and
 * an early first match count for more, so "stats" ranks "Go to Stats"
 * above "Go to Settings" and "yir" finds "Year in review".
 */
export function score(query: string, text: string): number | null {
  const q = fold(query).replace(/\s+/g, '');
  if (q === '') return 0;
  const s = fold(text);
  let total = 0;
  let from = 0;
  let prev = -2;
  for (let k = 0; k < q.length; k++) {
    const ch = q[k];
    let at = s.indexOf(ch, from);
    if (at < 0) return null;
    // Prefer a later occurrence that starts a word, if the rest still matches after it.
    if (at !== prev + 1 && !isWordStart(s, at)) {
      for (let j = at + 1; j < s.length; j++) {
        if (s[j] === ch && isWordStart(s, j) && isSubsequence(q.slice(k + 1), s, j + 1)) {
          at = j;
          break;
        }
      }
    }
    let points = 1;
    if (at === prev + 1) points += 5;
    if (isWordStart(s, at)) points += 3;
    total += points;
    prev = at;
    from = at + 1;
  }
  const first = s.indexOf(q[0]);
  // An exact prefix or a whole-word match beats a scattered one.
  if (s.startsWith(q)) total += 10;
  return total - Math.min(first, 10) * 0.1 - s.length * 0.01;
}

/** The actions matching `query`, best first (ties keep their order). */
export function rank(all: Action[], query: string): Action[] {
  if (query.trim() === '') return all;
  const scored: Array<{ a: Action; s: number; i: number }> = [];
  all.forEach((a, i) => {
    const best = [a.label, ...a.keywords]
      .map((text) => score(query, text))
      .reduce<number | null>((m, v) => (v === null ? m : m === null ? v : Math.max(m, v)), null);
    if (best !== null) scored.push({ a, s: best, i });
  });
  scored.sort((x, y) => y.s - x.s || x.i - y.i);
  return scored.map((x) => x.a);
}

/** Whether every word typed starts a word of `text`: "go st" and "stats" for "Go to Stats". */
export function wordsMatch(query: string, text: string): boolean {
  const words = fold(text).split(/[\s\-_/.:(…]+/).filter(Boolean);
  const typed = fold(query).split(/\s+/).filter(Boolean);
  let from = 0;
  for (const w of typed) {
    const at = words.findIndex((word, i) => i >= from && word.startsWith(w));
    if (at < 0) return false;
    from = at + 1;
  }
  return typed.length > 0;
}

/** One row of the palette's listbox; `id` is its element id. */
export type Row<E extends { id: number }> =
  | { kind: 'action'; id: string; action: Action }
  | { kind: 'entry'; id: string; entry: E };

/** At most this many actions that match only loosely follow the entries. */
const LOOSE_ACTIONS = 5;

/**
 * The rows for `query`: actions whose words the query starts, then the
 * entries the library's search found (typing a title reaches it first),
 * then a few actions that match only as a scattered subsequence.
 */
export function arrange<E extends { id: number }>(all: Action[], entries: E[], query: string): Row<E>[] {
  const row = (a: Action): Row<E> => ({ kind: 'action', id: `palette-action-${a.id}`, action: a });
  const ranked = rank(all, query);
  if (query.trim() === '') return ranked.map(row);
  const strong = (a: Action) => [a.label, ...a.keywords].some((text) => wordsMatch(query, text));
  return [
    ...ranked.filter(strong).map(row),
    ...entries.map((e): Row<E> => ({ kind: 'entry', id: `palette-entry-${e.id}`, entry: e })),
    ...ranked
      .filter((a) => !strong(a))
      .slice(0, LOOSE_ACTIONS)
      .map(row),
  ];
}

/** The row active after moving by `delta` among `count` rows, wrapping round; -1 for none. */
export function move(active: number, delta: number, count: number): number {
  if (count === 0) return -1;
  if (active < 0) return delta > 0 ? 0 : count - 1;
  return (((active + delta) % count) + count) % count;
}

/** Ctrl+K (⌘K on a Mac), anywhere, a text field included. */
export function isPaletteKey(ev: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === 'k';
}

/**
 * Numbers the entry searches so that only the newest one's answer is
 * shown: a slow answer to "sou" never replaces the one to "sound".
 */
export class Latest {
  private n = 0;
  next(): number {
    return ++this.n;
  }
  isCurrent(ticket: number): boolean {
    return ticket === this.n;
  }
}
