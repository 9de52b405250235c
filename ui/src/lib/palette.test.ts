import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from './i18n';
import { actions, arrange, isPaletteKey, Latest, move, rank, score, wordsMatch, type ActionContext } from './palette';

afterEach(() => setLanguage('en'));

const ctx: ActionContext = {
  lists: [
    { id: 7, name: 'Best of 2023' },
    { id: 9, name: 'Comfort rewatches' },
  ],
  undoAvailable: false,
  theme: 'system',
  language: null,
};

const labels = (c: ActionContext = ctx) => actions(c).map((a) => a.label);

describe('the actions', () => {
  it('reach every page, status and list by name', () => {
    const all = labels();
    for (const want of [
      'Go to Up next',
      'Go to Calendar',
      'Go to Library',
      'Go to Plan to watch',
      'Go to Watching',
      'Go to Completed',
      'Go to On hold',
      'Go to Dropped',
      'Go to Stats',
      'Go to Year in review',
      'Go to Settings',
      'Go to list: Best of 2023',
      'Go to list: Comfort rewatches',
      'Add a title…',
      'Import…',
      'Export…',
      'New list…',
      'Back up now',
    ]) {
      expect(all, want).toContain(want);
    }
    const list = actions(ctx).find((a) => a.label === 'Go to list: Comfort rewatches');
    expect(list?.command).toEqual({ do: 'list', id: 9 });
    expect(actions(ctx).find((a) => a.id === 'year')?.command).toEqual({ do: 'stats', tab: 'year' });
  });

  it('offer undoing an import only when there is one to undo', () => {
    expect(labels()).not.toContain('Undo the last import');
    expect(labels({ ...ctx, undoAvailable: true })).toContain('Undo the last import');
  });

  it('offer the themes and languages not in use, languages by their own names', () => {
    const dark = labels({ ...ctx, theme: 'dark' });
    expect(dark).toContain('Theme: light');
    expect(dark).toContain('Theme: follow the system');
    expect(dark).not.toContain('Theme: dark');
    expect(labels()).not.toContain('Language: follow the system');
    const ko = actions({ ...ctx, language: 'ko' });
    expect(ko.map((a) => a.label)).toContain('Language: follow the system');
    expect(ko.map((a) => a.label)).toContain('Language: 日本語');
    expect(ko.map((a) => a.label)).not.toContain('Language: 한국어');
    expect(ko.find((a) => a.label === 'Language: English')?.command).toEqual({ do: 'language', language: 'en' });
  });

  it('speak the language shown', () => {
    setLanguage('ja');
    expect(labels()).toContain('統計へ移動');
    setLanguage('es');
    expect(labels()).toContain('Ir a Por ver');
  });

  it('have ids unique among them', () => {
    const ids = actions({ ...ctx, undoAvailable: true, language: 'en' }).map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('score', () => {
  it('matches a subsequence, folding case and accents, ignoring spaces typed', () => {
    expect(score('stats', 'Go to Stats')).not.toBeNull();
    expect(score('yir', 'Go to Year in review')).not.toBeNull();
    expect(score('resume', 'Résumé')).not.toBeNull();
    expect(score('go st', 'Go to Stats')).not.toBeNull();
    expect(score('stast', 'Go to Stats')).toBeNull();
    expect(score('x', 'Go to Stats')).toBeNull();
  });

  it('prefers runs and word starts to scattered letters', () => {
    expect(score('stats', 'Go to Stats')!).toBeGreaterThan(score('stats', 'Go to Saturday tasks')!);
    expect(score('cal', 'Go to Calendar')!).toBeGreaterThan(score('cal', 'Go to Classical music')!);
  });
});

describe('rank', () => {
  const all = actions(ctx);

  it('puts the best match first', () => {
    expect(rank(all, 'stats')[0].label).toBe('Go to Stats');
    expect(rank(all, 'settings')[0].label).toBe('Go to Settings');
    expect(rank(all, 'year')[0].label).toBe('Go to Year in review');
    expect(rank(all, 'imp')[0].label).toBe('Import…');
    expect(rank(all, 'comfort')[0].label).toBe('Go to list: Comfort rewatches');
    expect(rank(all, 'dark')[0].label).toBe('Theme: dark');
  });

  it('finds an action by its other words', () => {
    expect(rank(all, 'appearance').map((a) => a.label)).toContain('Theme: dark');
  });

  it('keeps every action, in order, for no text, and none for text nothing holds', () => {
    expect(rank(all, '  ')).toEqual(all);
    expect(rank(all, 'zzzq')).toEqual([]);
  });
});

describe('arrange', () => {
  const all = actions(ctx);
  const found = [{ id: 42 }, { id: 43 }];

  it('puts actions the words start before the entries, loose ones after', () => {
    const rows = arrange(all, found, 'stats');
    expect(rows[0]).toMatchObject({ kind: 'action', action: { label: 'Go to Stats' } });
    const firstEntry = rows.findIndex((r) => r.kind === 'entry');
    expect(rows.slice(0, firstEntry).every((r) => r.kind === 'action' && wordsMatch('stats', r.action.label))).toBe(true);
  });

  it('lets a typed title reach its entry first when no action has those words', () => {
    // "sound" is a scattered subsequence of no action's words here, "so" of some.
    const rows = arrange(all, found, 'sound');
    expect(rows[0]).toEqual({ kind: 'entry', id: 'palette-entry-42', entry: { id: 42 } });
    expect(rows[1]).toMatchObject({ kind: 'entry', entry: { id: 43 } });
  });

  it('shows only actions for no text', () => {
    expect(arrange(all, found, '').every((r) => r.kind === 'action')).toBe(true);
  });
});

describe('wordsMatch', () => {
  it('wants every typed word to start a word, in order', () => {
    expect(wordsMatch('go st', 'Go to Stats')).toBe(true);
    expect(wordsMatch('year rev', 'Go to Year in review')).toBe(true);
    expect(wordsMatch('rev year', 'Go to Year in review')).toBe(false);
    expect(wordsMatch('tats', 'Go to Stats')).toBe(false);
    expect(wordsMatch('', 'Go to Stats')).toBe(false);
  });
});

describe('move', () => {
  it('wraps round at both ends and starts from an end when nothing is active', () => {
    expect(move(0, 1, 3)).toBe(1);
    expect(move(2, 1, 3)).toBe(0);
    expect(move(0, -1, 3)).toBe(2);
    expect(move(-1, 1, 3)).toBe(0);
    expect(move(-1, -1, 3)).toBe(2);
    expect(move(0, 1, 0)).toBe(-1);
  });
});

describe('isPaletteKey', () => {
  const key = (k: Partial<KeyboardEvent>) => ({ key: 'k', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...k });
  it('is Ctrl+K or ⌘K, and nothing else', () => {
    expect(isPaletteKey(key({ ctrlKey: true }))).toBe(true);
    expect(isPaletteKey(key({ metaKey: true, key: 'K' }))).toBe(true);
    expect(isPaletteKey(key({}))).toBe(false);
    expect(isPaletteKey(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isPaletteKey(key({ ctrlKey: true, key: 'j' }))).toBe(false);
  });
});

describe('Latest', () => {
  it('keeps only the newest ticket current', () => {
    const l = new Latest();
    const a = l.next();
    const b = l.next();
    expect(l.isCurrent(a)).toBe(false);
    expect(l.isCurrent(b)).toBe(true);
  });
});
