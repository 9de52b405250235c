import { describe, expect, it } from 'vitest';
import type { Stats } from './bindings/Stats';
import { chartSpecs, MONTHS_SHOWN } from './statsCharts';

const base: Stats = {
  titles: 0,
  by_status: { all: 0, plan_to_watch: 0, watching: 0, completed: 0, on_hold: 0, dropped: 0 },
  by_kind: [],
  by_platform: [],
  by_country: [],
  rating_distribution: [
    { label: '8', count: 0 },
    { label: '8.5', count: 0 },
  ],
  average_rating: null,
  episodes_watched: 0,
  hours_watched: 0,
  finished_per_month: [],
  reviews: 0,
  favorites: 0,
  hours_per_month: [],
  top_genres: [],
  rating_by_platform: [],
};

describe('chartSpecs', () => {
  it('hides charts with nothing to show', () => {
    expect(chartSpecs(base)).toEqual([]);
  });

  it('shapes ratings, the latest months, top genres and platform averages', () => {
    const months = Array.from({ length: 30 }, (_, i) => ({ label: `2024-${i}`, count: i + 1 }));
    const specs = chartSpecs({
      ...base,
      rating_distribution: [
        { label: '8', count: 2 },
        { label: '8.5', count: 5 },
      ],
      finished_per_month: months,
      hours_per_month: [{ label: '2024-01', value: 12.345, count: 3 }],
      top_genres: Array.from({ length: 12 }, (_, i) => ({ label: `g${i}`, count: 12 - i })),
      rating_by_platform: [{ label: 'Disney+', value: 8.456, count: 4 }],
    });
    const byId = Object.fromEntries(specs.map((s) => [s.id, s]));
    expect(byId.ratings.values).toEqual([2, 5]);
    expect(byId.finished.labels).toHaveLength(MONTHS_SHOWN);
    expect(byId.finished.labels.at(-1)).toBe('2024-29');
    expect(byId.hours.values).toEqual([12.3]);
    expect(byId.genres.labels).toHaveLength(10);
    expect(byId.genres.horizontal).toBe(true);
    expect(byId['platform-rating'].values).toEqual([8.5]);
  });
});
