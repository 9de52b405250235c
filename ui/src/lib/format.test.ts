import { describe, expect, it } from 'vitest';
import { timeAgo, viewingDates } from './format';

describe('timeAgo', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  it('says how long ago in the largest whole unit', () => {
    expect(timeAgo('2026-12-02T09:00:00Z', now)).toMatch(/3 hours ago/);
    expect(timeAgo('2026-11-29T12:00:00Z', now)).toMatch(/3 days ago/);
    expect(timeAgo('2026-12-02T11:58:00Z', now)).toMatch(/2 minutes ago/);
  });
  it('reads a moment ago as now, and a bad stamp as nothing', () => {
    expect(timeAgo('2026-12-02T11:59:50Z', now)).toMatch(/now|this minute/);
    expect(timeAgo('not a time', now)).toBe('');
  });
});

describe('viewingDates', () => {
  it('shows a missing start as a dash and an open end as an ellipsis', () => {
    expect(viewingDates({ started_on: null, finished_on: null })).toBe('— → …');
    const both = viewingDates({ started_on: '2024-03-01', finished_on: '2024-03-05' });
    expect(both).toContain('2024');
    expect(both.split(' → ')).toHaveLength(2);
  });
});
