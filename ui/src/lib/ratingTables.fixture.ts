/**
 * Rating tables shaped like the core's `rating_table` answers, for tests:
 * `count` steps from 0 to the scale's top stored evenly over 0–100, each
 * stored value shown as its nearest step, half up, as `core::rating` rounds.
 */
import type { RatingScale } from './bindings/RatingScale';
import type { RatingTable } from './bindings/RatingTable';

function table(scale: RatingScale, count: number, hint: string): RatingTable {
  const last = count - 1;
  const max = Number(scale);
  const steps = Array.from({ length: count }, (_, i) => ({
    stored: (i * 100) / last,
    label: String((i * max) / last),
  }));
  const step_of = Array.from({ length: 101 }, (_, stored) => Math.floor((stored * last + 50) / 100));
  return { scale, steps, step_of, max_label: scale, hint };
}

export const FIVE = table('5', 11, '0 to 5 in steps of 0.5');
export const TEN = table('10', 21, '0 to 10 in steps of 0.5');
export const HUNDRED = table('100', 101, 'a whole number from 0 to 100');
