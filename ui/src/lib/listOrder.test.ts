import { afterEach, describe, expect, it } from 'vitest';
import type { ListPut } from './bindings/ListPut';
import type { ListSummary } from './bindings/ListSummary';
import { setLanguage } from './i18n';
import { isOwnSlot, keyMove, moveBy, moveToSlot, NO_SELECTION, putReport, sameOrder, selectClick, slotAt } from './listOrder';

describe('moveToSlot', () => {
  const order = [10, 20, 30, 40];
  it('moves an item up into the gap before another', () => {
    expect(moveToSlot(order, 30, 0)).toEqual([30, 10, 20, 40]);
    expect(moveToSlot(order, 40, 1)).toEqual([10, 40, 20, 30]);
  });
  it('moves an item down: the gap counts in the order as it was', () => {
    expect(moveToSlot(order, 10, 2)).toEqual([20, 10, 30, 40]);
    expect(moveToSlot(order, 10, 4)).toEqual([20, 30, 40, 10]);
  });
  it('leaves the order alone for the gaps beside the item and unknown ids', () => {
    expect(moveToSlot(order, 20, 1)).toEqual(order);
    expect(moveToSlot(order, 20, 2)).toEqual(order);
    expect(moveToSlot(order, 99, 0)).toEqual(order);
  });
  it('keeps gaps outside the list at its ends', () => {
    expect(moveToSlot(order, 30, -5)).toEqual([30, 10, 20, 40]);
    expect(moveToSlot(order, 10, 99)).toEqual([20, 30, 40, 10]);
  });
  it('never changes the order it was given', () => {
    const copy = [...order];
    moveToSlot(copy, 10, 3);
    expect(copy).toEqual(order);
  });
});

describe('moveBy and keyMove', () => {
  const order = [1, 2, 3];
  it('moves one place and stops at the ends', () => {
    expect(moveBy(order, 2, -1)).toEqual([2, 1, 3]);
    expect(moveBy(order, 2, 1)).toEqual([1, 3, 2]);
    expect(moveBy(order, 1, -1)).toEqual(order);
    expect(moveBy(order, 3, 1)).toEqual(order);
    expect(moveBy(order, 3, -99)).toEqual([3, 1, 2]);
  });
  it('reads Alt with the arrows, Home and End, and nothing else', () => {
    expect(keyMove('ArrowUp', true, 3)).toBe(-1);
    expect(keyMove('ArrowDown', true, 3)).toBe(1);
    expect(keyMove('Home', true, 3)).toBe(-3);
    expect(keyMove('End', true, 3)).toBe(3);
    expect(keyMove('ArrowUp', false, 3)).toBeNull();
    expect(keyMove('x', true, 3)).toBeNull();
  });
  it('tells an unchanged order', () => {
    expect(sameOrder(order, [1, 2, 3])).toBe(true);
    expect(sameOrder(order, moveBy(order, 1, -1))).toBe(true);
    expect(sameOrder(order, [2, 1, 3])).toBe(false);
    expect(sameOrder(order, [1, 2])).toBe(false);
  });
});

describe('slotAt and isOwnSlot', () => {
  const rows = [
    { top: 0, bottom: 100 },
    { top: 100, bottom: 200 },
    { top: 200, bottom: 300 },
  ];
  it('is the gap above the first item whose middle is below the pointer', () => {
    expect(slotAt(-10, rows)).toBe(0);
    expect(slotAt(49, rows)).toBe(0);
    expect(slotAt(51, rows)).toBe(1);
    expect(slotAt(160, rows)).toBe(2);
    expect(slotAt(299, rows)).toBe(3);
    expect(slotAt(10, [])).toBe(0);
  });
  it('knows the gaps beside the dragged item change nothing', () => {
    expect(isOwnSlot([1, 2, 3], 2, 1)).toBe(true);
    expect(isOwnSlot([1, 2, 3], 2, 2)).toBe(true);
    expect(isOwnSlot([1, 2, 3], 2, 0)).toBe(false);
    expect(isOwnSlot([1, 2, 3], 2, 3)).toBe(false);
  });
});

describe('selectClick', () => {
  const ids = [100, 101, 102, 103, 104];
  const idAt = (i: number) => ids[i];
  it('leaves a plain click to open the entry', () => {
    expect(selectClick(NO_SELECTION, 100, 0, { toggle: false, range: false }, idAt)).toBeNull();
  });
  it('toggles one with Ctrl/Cmd and moves the anchor there', () => {
    const a = selectClick(NO_SELECTION, 101, 1, { toggle: true, range: false }, idAt)!;
    expect(a).toEqual({ ids: [101], anchor: 1 });
    const b = selectClick(a, 103, 3, { toggle: true, range: false }, idAt)!;
    expect(b).toEqual({ ids: [101, 103], anchor: 3 });
    expect(selectClick(b, 101, 1, { toggle: true, range: false }, idAt)).toEqual({ ids: [103], anchor: 1 });
  });
  it('adds the range from the anchor with Shift, either way, without doubles', () => {
    const a = selectClick(NO_SELECTION, 101, 1, { toggle: true, range: false }, idAt)!;
    expect(selectClick(a, 103, 3, { toggle: false, range: true }, idAt)).toEqual({ ids: [101, 102, 103], anchor: 1 });
    expect(selectClick(a, 100, 0, { toggle: false, range: true }, idAt)).toEqual({ ids: [101, 100], anchor: 1 });
  });
  it('starts with the one clicked when Shift has no anchor, and skips rows not loaded', () => {
    expect(selectClick(NO_SELECTION, 102, 2, { toggle: false, range: true }, idAt)).toEqual({ ids: [102], anchor: 2 });
    const sparse = (i: number) => (i === 2 ? undefined : ids[i]);
    const a = { ids: [100], anchor: 0 };
    expect(selectClick(a, 103, 3, { toggle: false, range: true }, sparse)).toEqual({ ids: [100, 101, 103], anchor: 0 });
  });
});

describe('putReport', () => {
  const list: ListSummary = { id: 1, name: 'Top 10 of 2023', description: null, ranked: true, items: 4, created_at: '', updated_at: '' };
  const put = (added: number, already: number): ListPut => ({ added, already, list });
  it('says what was added and what was there already', () => {
    expect(putReport(put(3, 0))).toBe('Added 3 to “Top 10 of 2023”.');
    expect(putReport(put(3, 1))).toBe('Added 3 to “Top 10 of 2023”, 1 was already on the list.');
    expect(putReport(put(1, 2))).toBe('Added 1 to “Top 10 of 2023”, 2 were already on the list.');
    expect(putReport(put(0, 1))).toBe('It was already on “Top 10 of 2023”.');
    expect(putReport(put(0, 4))).toBe('All 4 were already on “Top 10 of 2023”.');
  });

  afterEach(() => setLanguage('en'));

  it('says it in the shown language, with its own plural forms', () => {
    setLanguage('es');
    expect(putReport(put(1, 0))).toBe('Se agregó 1 título a “Top 10 of 2023”.');
    expect(putReport(put(3, 1))).toBe('Se agregaron 3 títulos a “Top 10 of 2023”; 1 ya estaba en la lista.');
    setLanguage('ko');
    expect(putReport(put(0, 1))).toBe('이미 ‘Top 10 of 2023’에 있어요.');
    expect(putReport(put(0, 4))).toBe('4개 모두 이미 ‘Top 10 of 2023’에 있어요.');
  });
});
