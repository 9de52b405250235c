import { describe, expect, it } from 'vitest';
import {
  blankExportForm,
  exportOptions,
  exportPercent,
  exportProgressText,
  FORMATS,
  isReviewList,
  LIST_FORMATS,
  listExportOptions,
} from './exportForm';
import { FIVE, TEN } from './ratingTables.fixture';

describe('exportOptions', () => {
  it('turns an untouched form into an unfiltered export', () => {
    const r = exportOptions(blankExportForm(), TEN);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options.filter).toEqual({
      statuses: [],
      min_rating: null,
      max_rating: null,
      platform: null,
      tag: null,
      finished_from: null,
      finished_to: null,
      only_with_review: false,
    });
    expect(r.options.order).toBe('rating');
    expect(r.options.spoilers).toBe('hide');
  });

  it('reads ratings in the user scale', () => {
    const form = { ...blankExportForm(), minRating: '4.5', maxRating: '5' };
    const r = exportOptions(form, FIVE);
    expect(r.ok && r.options.filter.min_rating).toBe(90);
    expect(r.ok && r.options.filter.max_rating).toBe(100);
  });

  it('names the field that is wrong', () => {
    const r = exportOptions({ ...blankExportForm(), minRating: '8.3' }, TEN);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.minRating).toMatch(/0 to 10/);
    const swapped = exportOptions({ ...blankExportForm(), minRating: '9', maxRating: '7' }, TEN);
    expect(!swapped.ok && swapped.errors.maxRating).toMatch(/below/);
    const dates = exportOptions(
      { ...blankExportForm(), finishedFrom: '2024-02-01', finishedTo: '2024-01-01' },
      TEN,
    );
    expect(!dates.ok && dates.errors.finishedTo).toMatch(/before/);
  });

  it('trims text filters and keeps statuses', () => {
    const r = exportOptions({ ...blankExportForm(), platform: ' Disney+ ', tag: '  ', statuses: ['completed'] }, TEN);
    expect(r.ok && r.options.filter.platform).toBe('Disney+');
    expect(r.ok && r.options.filter.tag).toBe(null);
    expect(r.ok && r.options.filter.statuses).toEqual(['completed']);
  });
});

describe('formats', () => {
  it('lists each core format once, with an explanation', () => {
    expect(FORMATS.map((f) => f.value).sort()).toEqual(['csv', 'html', 'letterboxd', 'markdown', 'watchlog-json']);
    for (const f of FORMATS) expect(f.about.length).toBeGreaterThan(20);
    expect(isReviewList('html')).toBe(true);
    expect(isReviewList('csv')).toBe(false);
  });
});

describe('export progress', () => {
  it('is a whole percent that only reaches 100 at the end', () => {
    expect(exportPercent(null)).toBe(0);
    expect(exportPercent({ done: 0, total: 0 })).toBe(0);
    expect(exportPercent({ done: 999, total: 100_000 })).toBe(0);
    expect(exportPercent({ done: 99_999, total: 100_000 })).toBe(99);
    expect(exportPercent({ done: 100_000, total: 100_000 })).toBe(100);
  });

  it('says how many titles of how many', () => {
    expect(exportProgressText(null)).toBe('Starting…');
    expect(exportProgressText({ done: 12_000, total: 100_000 })).toBe('12,000 of 100,000 titles');
    expect(exportProgressText({ done: 1, total: 1 })).toBe('1 of 1 title');
  });
});

describe('listExportOptions', () => {
  it('exports the whole list, whatever the library filters were, in the format and spoiler choice picked', () => {
    const form = { ...blankExportForm(), format: 'markdown' as const, statuses: ['completed' as const], tag: 'comfort', minRating: '8', spoilers: 'omit' as const };
    const o = listExportOptions(form, 7, TEN);
    expect(o.list).toBe(7);
    const unfiltered = exportOptions(blankExportForm(), TEN);
    if (!unfiltered.ok) throw new Error('a blank form is refused');
    expect(o.filter).toEqual(unfiltered.options.filter);
    expect(o.spoilers).toBe('omit');
  });

  it('offers the formats a list exports to, HTML first', () => {
    expect(LIST_FORMATS.map((f) => f.value)).toEqual(['html', 'markdown', 'letterboxd']);
  });
});
