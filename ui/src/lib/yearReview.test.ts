import { describe, expect, it } from 'vitest';
import type { YearReview } from './bindings/YearReview';
import { defaultYear, isEmptyYear, monthCharts, shortMonth, yearChoices } from './yearReview';

const months = (labels: [string, number][]) => ({
  finished_per_month: labels.map(([label, count]) => ({ label, count })),
});

/** A review shaped as the core sends it. */
function review(over: Partial<YearReview> = {}): YearReview {
  return {
    year: 2023,
    titles_finished: 0,
    new_titles: 0,
    rewatches: 0,
    episodes_watched: 0,
    hours_watched: 0,
    days_watched: 0,
    best_rated: [],
    top_countries: [],
    top_platforms: [],
    top_genres: [],
    months: Array.from({ length: 12 }, (_, i) => ({
      month: `2023-${String(i + 1).padStart(2, '0')}`,
      finished: 0,
      episodes: 0,
      hours: 0,
    })),
    busiest_month: null,
    longest_streak: null,
    first_finish: null,
    last_finish: null,
    ...over,
  };
}

describe('year picker', () => {
  it('runs from the first year with a finish to this year, newest first', () => {
    expect(yearChoices(months([['2021-05', 2], ['2023-01', 1]]), 2024)).toEqual([2024, 2023, 2022, 2021]);
    expect(yearChoices(months([]), 2024)).toEqual([2024]);
    // A finish dated ahead of the clock still gets its year.
    expect(yearChoices(months([['2025-02', 1]]), 2024)).toEqual([2025, 2024]);
  });

  it('opens on this year once it has a finish, else the latest year that has one', () => {
    expect(defaultYear(months([['2022-03', 1], ['2024-01', 1]]), 2024)).toBe(2024);
    expect(defaultYear(months([['2021-03', 1], ['2022-11', 4]]), 2024)).toBe(2022);
    expect(defaultYear(months([['2022-11', 0]]), 2024)).toBe(2024);
    expect(defaultYear(months([]), 2024)).toBe(2024);
  });
});

describe('the page', () => {
  it('calls a year with no watch empty, whatever else it holds', () => {
    expect(isEmptyYear(review())).toBe(true);
    expect(isEmptyYear(review({ days_watched: 1, episodes_watched: 3 }))).toBe(false);
  });

  it('charts the months that have something, labelled by month', () => {
    const r = review({ days_watched: 2 });
    r.months[2] = { month: '2023-03', finished: 2, episodes: 0, hours: 3.5 };
    const charts = monthCharts(r);
    expect(charts.map((c) => c.id)).toEqual(['year-hours', 'year-finished']);
    expect(charts[0].labels[2]).toBe('Mar');
    expect(charts[0].values[2]).toBe(3.5);
    expect(charts[1].values).toHaveLength(12);
    expect(shortMonth('2023-12')).toBe('Dec');
    expect(shortMonth('weird')).toBe('weird');
  });
});
