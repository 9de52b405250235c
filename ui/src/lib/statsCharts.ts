/**
 * What the Stats screen charts, shaped from the core's `Stats`: pure data,
 * so it is tested without a canvas. `Chart.svelte` draws each spec. Titles
 * are read in the current language each time the specs are made.
 */
import type { Stats } from './bindings/Stats';
import { formatDecimal } from './format';
import { t } from './i18n';

export interface ChartSpec {
  id: string;
  title: string;
  /** Bars run sideways: long labels (genres, platforms) stay readable. */
  horizontal: boolean;
  labels: string[];
  values: number[];
  /** What the values count, for tooltips: `titles`, `episodes`, `hours`, or a suffix shown as is. */
  unit: string;
}

/** Months shown in the over-time charts: the latest two years. */
export const MONTHS_SHOWN = 24;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The core's bucket names ("8.5") with the locale's decimal mark; anything else as it is. */
const ratingLabel = (label: string) => (/^\d+(\.\d+)?$/.test(label) ? formatDecimal(Number(label)) : label);

export function chartSpecs(stats: Stats): ChartSpec[] {
  const finished = stats.finished_per_month.slice(-MONTHS_SHOWN);
  const hours = stats.hours_per_month.slice(-MONTHS_SHOWN);
  const genres = stats.top_genres.slice(0, 10);
  const specs: ChartSpec[] = [
    {
      id: 'ratings',
      title: t('stats:chart.ratings'),
      horizontal: false,
      labels: stats.rating_distribution.map((c) => ratingLabel(c.label)),
      values: stats.rating_distribution.map((c) => c.count),
      unit: 'titles',
    },
    {
      id: 'finished',
      title: t('stats:chart.finished'),
      horizontal: false,
      labels: finished.map((c) => c.label),
      values: finished.map((c) => c.count),
      unit: 'titles',
    },
    {
      id: 'hours',
      title: t('stats:chart.hours'),
      horizontal: false,
      labels: hours.map((m) => m.label),
      values: hours.map((m) => round1(m.value)),
      unit: 'hours',
    },
    {
      id: 'genres',
      title: t('stats:chart.genres'),
      horizontal: true,
      labels: genres.map((c) => c.label),
      values: genres.map((c) => c.count),
      unit: 'titles',
    },
    {
      id: 'platform-rating',
      title: t('stats:chart.platformRating'),
      horizontal: true,
      labels: stats.rating_by_platform.map((m) => m.label),
      values: stats.rating_by_platform.map((m) => round1(m.value)),
      unit: '/ 10',
    },
  ];
  // An empty chart says nothing; the page hides it.
  return specs.filter((s) => s.values.some((v) => v > 0));
}
