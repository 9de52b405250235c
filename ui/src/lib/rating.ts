/**
 * Ratings are stored 0–100 and shown in the user's scale. This mirrors the
 * core's `rating.rs` exactly: every value a scale can show maps to one stored
 * value and back; stored values between two steps round half up.
 */
import type { RatingScale } from './bindings/RatingScale';

/** Half-steps a scale has from 0 to its maximum. */
export function maxHalves(scale: RatingScale): number {
  return scale === '5' ? 10 : scale === '10' ? 20 : 200;
}

/** The top of the scale: 5, 10 or 100. */
export function scaleMax(scale: RatingScale): number {
  return maxHalves(scale) / 2;
}

/** Step a control offers: halves on 5 and 10, whole points on 100. */
export function scaleStep(scale: RatingScale): number {
  return scale === '100' ? 1 : 0.5;
}

/**
 * The stored value in `scale`, in halves (8.5/10 is 17), rounded half up.
 * Integer arithmetic scaled by 100, exactly as the core does it.
 */
export function halvesIn(stored: number, scale: RatingScale): number {
  return Math.floor((stored * maxHalves(scale) + 50) / 100);
}

/** The stored value as a number in `scale` (85 → 8.5, 4.5 or 85). */
export function valueIn(stored: number, scale: RatingScale): number {
  return halvesIn(stored, scale) / 2;
}

/** "8.5", "4.5", "85": the value in `scale` without trailing zeros. */
export function formatRating(stored: number | null | undefined, scale: RatingScale): string {
  if (stored == null) return '';
  const h = halvesIn(stored, scale);
  return h % 2 === 0 ? String(h / 2) : `${(h - 1) / 2}.5`;
}

/** Stored value for a number of halves in `scale`. */
export function storedFromHalves(halves: number, scale: RatingScale): number {
  return Math.floor((halves * 100) / maxHalves(scale));
}

/** What the scale accepts, for messages. */
export function scaleHint(scale: RatingScale): string {
  return scale === '100' ? 'a whole number from 0 to 100' : `0 to ${scaleMax(scale)} in steps of 0.5`;
}

export type ParsedRating = { ok: true; value: number | null } | { ok: false; error: string };

/**
 * Reads a rating typed in `scale` ("8.5", "4.5", "85"). Empty text means no
 * rating. Only values the scale can show are accepted.
 */
export function parseRating(text: string, scale: RatingScale): ParsedRating {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  const bad: ParsedRating = { ok: false, error: `Enter ${scaleHint(scale)}.` };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return bad;
  const whole = m[1] === '' ? 0 : Number(m[1]);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  let half: number;
  if (frac === '') half = 0;
  else if (frac === '5') half = 1;
  else return bad;
  const halves = whole * 2 + half;
  if (!Number.isSafeInteger(halves)) return bad;
  if (scale === '100' && halves % 2 !== 0) return bad;
  if (halves > maxHalves(scale)) return bad;
  return { ok: true, value: storedFromHalves(halves, scale) };
}

/** Every value a scale offers, as [stored, label], lowest first. */
export function scaleOptions(scale: RatingScale): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const step = scale === '100' ? 2 : 1;
  for (let h = 0; h <= maxHalves(scale); h += step) {
    const stored = storedFromHalves(h, scale);
    out.push([stored, formatRating(stored, scale)]);
  }
  return out;
}

/** "8.5 / 10", "4.5 / 5 stars", "85 / 100". */
export function ratingLabel(stored: number | null | undefined, scale: RatingScale): string {
  if (stored == null) return 'Not rated';
  const v = formatRating(stored, scale);
  return scale === '5' ? `${v} / 5 stars` : `${v} / ${scale}`;
}
