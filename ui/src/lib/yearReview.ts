/**
 * The year in review page's view logic, shaped from the core's
 * `YearReview` and `Stats`: which years the picker offers and which it
 * starts on, the figures as tiles and the month charts. Pure data, so it is
 * tested without the app; every number is the core's.
 */
import type { Stats } from './bindings/Stats';
import type { YearReview } from './bindings/YearReview';
import type { ChartSpec } from './statsCharts';
import { monthName } from './format';
import { t } from './i18n';

/** The years a finish falls in, from the core's months ("YYYY-MM"). */
function yearsFinished(stats: Pick<Stats, 'finished_per_month'>): number[] {
  return stats.finished_per_month
    .filter((c) => c.count > 0)
    .map((c) => Number(c.label.slice(0, 4)))
    .filter((y) => Number.isInteger(y));
}

/**
 * The picker's years, newest first: from the earliest year with a finish
 * (or this year) to this year, or to a later year a finish is dated in.
 */
export function yearChoices(stats: Pick<Stats, 'finished_per_month'>, thisYear: number): number[] {
  const years = yearsFinished(stats);
  const first = Math.min(thisYear, ...years);
  const last = Math.max(thisYear, ...years);
  const out: number[] = [];
  for (let y = last; y >= first; y--) out.push(y);
  return out;
}

/** The year the page opens on: this year once something is finished in it, else the latest year with a finish, else this year. */
export function defaultYear(stats: Pick<Stats, 'finished_per_month'>, thisYear: number): number {
  const years = yearsFinished(stats).filter((y) => y <= thisYear);
  if (years.includes(thisYear) || years.length === 0) return thisYear;
  return Math.max(...years);
}

/** A year with no watch at all: the page says so instead of showing zeros. */
export function isEmptyYear(review: YearReview): boolean {
  return review.days_watched === 0;
}

/** "2023-03" → "Mar" (3月 in Japanese); anything else as it is. */
export function shortMonth(month: string): string {
  return monthName(month, 'short');
}

/** The month-by-month charts; one with nothing but zeros is left out. */
export function monthCharts(review: YearReview): ChartSpec[] {
  const labels = review.months.map((m) => shortMonth(m.month));
  const specs: ChartSpec[] = [
    {
      id: 'year-hours',
      title: t('review:chart.hours'),
      horizontal: false,
      labels,
      values: review.months.map((m) => m.hours),
      unit: 'hours',
    },
    {
      id: 'year-finished',
      title: t('review:chart.finished'),
      horizontal: false,
      labels,
      values: review.months.map((m) => m.finished),
      unit: 'titles',
    },
    {
      id: 'year-episodes',
      title: t('review:chart.episodes'),
      horizontal: false,
      labels,
      values: review.months.map((m) => m.episodes),
      unit: 'episodes',
    },
  ];
  return specs.filter((s) => s.values.some((v) => v > 0));
}
