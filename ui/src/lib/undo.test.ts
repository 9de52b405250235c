import { describe, expect, it } from 'vitest';
import { isTextField, isUndoKey } from './undo';
import { selectMove, NO_SELECTION } from './listOrder';

const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, isContentEditable: false, ...extra }) as unknown as EventTarget;
const key = (k: Partial<KeyboardEvent> & { target?: EventTarget | null }) =>
  ({ key: 'z', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, target: el('BODY'), ...k }) as KeyboardEvent;

describe('the undo key', () => {
  it('is Ctrl+Z or Cmd+Z outside a text field', () => {
    expect(isUndoKey(key({ ctrlKey: true }))).toBe(true);
    expect(isUndoKey(key({ metaKey: true, key: 'Z' }))).toBe(true);
    expect(isUndoKey(key({ ctrlKey: true, target: el('BUTTON') }))).toBe(true);
    expect(isUndoKey(key({ ctrlKey: true, target: el('INPUT', { type: 'checkbox' }) }))).toBe(true);
  });
  it('is not a plain z, a redo, or a key in a text field', () => {
    expect(isUndoKey(key({}))).toBe(false);
    expect(isUndoKey(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isUndoKey(key({ ctrlKey: true, key: 'y' }))).toBe(false);
    expect(isUndoKey(key({ ctrlKey: true, target: el('INPUT', { type: 'text' }) }))).toBe(false);
    expect(isUndoKey(key({ ctrlKey: true, target: el('INPUT', { type: 'search' }) }))).toBe(false);
    expect(isUndoKey(key({ ctrlKey: true, target: el('TEXTAREA') }))).toBe(false);
    expect(isUndoKey(key({ ctrlKey: true, target: el('DIV', { isContentEditable: true }) }))).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});

describe('Shift+arrow selection', () => {
  // Entry ids are ten times their index.
  const idAt = (i: number) => (i >= 0 && i < 8 ? i * 10 : undefined);

  it('starts at the focused entry and grows with the keys', () => {
    let sel = selectMove(NO_SELECTION, 2, 3, idAt);
    expect(sel).toEqual({ ids: [20, 30], anchor: 2 });
    sel = selectMove(sel, 3, 5, idAt);
    expect(sel).toEqual({ ids: [20, 30, 40, 50], anchor: 2 });
  });

  it('shrinks when it turns back, and crosses the anchor', () => {
    let sel = selectMove(NO_SELECTION, 2, 4, idAt);
    sel = selectMove(sel, 4, 3, idAt);
    expect(sel.ids).toEqual([20, 30]);
    sel = selectMove(sel, 3, 0, idAt);
    expect(sel.ids.sort((a, b) => a - b)).toEqual([0, 10, 20]);
  });

  it('keeps entries picked apart and skips rows not loaded', () => {
    const sel = selectMove({ ids: [70], anchor: 6 }, 6, 9, idAt);
    expect(sel.ids.sort((a, b) => a - b)).toEqual([60, 70]);
    const picked = selectMove({ ids: [0, 50], anchor: 5 }, 5, 4, idAt);
    expect(picked.ids.sort((a, b) => a - b)).toEqual([0, 40, 50]);
  });
});
