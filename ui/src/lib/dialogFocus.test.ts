import { describe, expect, it } from 'vitest';
import { initialFocus, type FocusCandidate } from './dialogFocus';

type C = FocusCandidate & { name: string };
const close: C = { name: 'close', autofocus: false, field: false, close: true };
const button = (name: string): C => ({ name, autofocus: false, field: false, close: false });
const field = (name: string): C => ({ name, autofocus: false, field: true, close: false });
const marked = (c: C): C => ({ ...c, autofocus: true });

const pick = (controls: C[]) => initialFocus(controls)?.name ?? null;

describe('initialFocus', () => {
  it('gives the Add dialog search box the keyboard, not the close button or the tabs before it', () => {
    expect(pick([close, button('tab-catalog'), button('tab-hand'), button('tvmaze'), field('query'), field('status')])).toBe(
      'query',
    );
  });

  it('prefers the control the dialog marks over an earlier field', () => {
    expect(pick([close, field('name'), marked(field('description'))])).toBe('description');
    expect(pick([close, field('name'), marked(button('confirm'))])).toBe('confirm');
  });

  it('focuses a confirmation’s first button when it has no field', () => {
    expect(pick([close, button('cancel'), button('delete')])).toBe('cancel');
  });

  it('never picks the close button, even when marked or alone', () => {
    expect(pick([marked(close), button('cancel')])).toBe('cancel');
    expect(pick([close])).toBeNull();
    expect(pick([])).toBeNull();
  });
});
