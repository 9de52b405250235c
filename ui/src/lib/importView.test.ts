import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  actionLabel,
  choiceLabel,
  choose,
  defaultReadOptions,
  formatArg,
  itemDetail,
  percent,
  readChoice,
  visibleItems,
} from './importView';
import type { ImportItem } from './bindings/ImportItem';

const item = (over: Partial<ImportItem>): ImportItem => ({
  action: 'added',
  entry_id: 1,
  title: 'Soundtrack #2',
  changes: [],
  reason: null,
  ...over,
});

describe('import view', () => {
  it('sends null for auto-detection', () => {
    expect(formatArg('auto')).toBeNull();
    expect(formatArg('letterboxd')).toBe('letterboxd');
  });

  it('describes updates by their changes and skips by their reason', () => {
    expect(itemDetail(item({ action: 'updated', changes: ['rating 60/100 → 90/100', 'review added'] }))).toBe(
      'rating 60/100 → 90/100; review added',
    );
    expect(itemDetail(item({ action: 'skipped', reason: 'a video game' }))).toBe('a video game');
    expect(actionLabel('ambiguous')).toBe('Ambiguous');
  });

  it('hides unchanged lines', () => {
    const rows = [item({ action: 'unchanged' }), item({ action: 'added' })];
    expect(visibleItems(rows)).toHaveLength(1);
  });

  it('turns progress into a bounded percentage', () => {
    expect(percent(null)).toBe(0);
    expect(percent({ done: 0, total: 0 })).toBe(0);
    expect(percent({ done: 50, total: 200 })).toBe(25);
    expect(percent({ done: 300, total: 200 })).toBe(100);
  });

  it('turns a needs_choice error into a picker and the pick into options', () => {
    const e = new ApiError('needs_choice', '4 profiles', 'profile', ['Abuelos', 'herbert']);
    const c = readChoice(e);
    expect(c).toEqual({ field: 'profile', label: 'Profile', choices: ['Abuelos', 'herbert'] });
    expect(choose(defaultReadOptions(), 'profile', 'herbert')).toEqual({
      profile: 'herbert',
      date_order: null,
      min_play_minutes: null,
    });
    const d = readChoice(new ApiError('needs_choice', 'ambiguous', 'date_order', ['dmy', 'mdy']));
    expect(d?.label).toBe('Dates are written');
    expect(choiceLabel('date_order', 'dmy')).toMatch(/Day first/);
    expect(choose(defaultReadOptions(), 'date_order', 'mdy').date_order).toBe('mdy');
    expect(readChoice(new ApiError('invalid_input', 'bad line'))).toBeNull();
  });
});
