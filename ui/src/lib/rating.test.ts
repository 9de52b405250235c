import { describe, expect, it } from 'vitest';
import type { RatingScale } from './bindings/RatingScale';
import {
  formatRating,
  halvesIn,
  parseRating,
  ratingLabel,
  scaleOptions,
  valueIn,
} from './rating';

const SCALES: RatingScale[] = ['5', '10', '100'];

describe('rating display', () => {
  it('shows the Soundtrack #2 rating in every scale', () => {
    expect(formatRating(85, '10')).toBe('8.5');
    expect(formatRating(85, '100')).toBe('85');
    // 85 sits between 4 and 4.5 stars; it rounds half up.
    expect(formatRating(85, '5')).toBe('4.5');
    expect(valueIn(85, '5')).toBe(4.5);
  });

  it('rounds stored values to the nearest half step, half up', () => {
    expect(halvesIn(84, '5')).toBe(8); // 4 stars
    expect(halvesIn(85, '5')).toBe(9); // 4.5 stars
    expect(halvesIn(94, '5')).toBe(9);
    expect(halvesIn(95, '5')).toBe(10);
    expect(halvesIn(72, '10')).toBe(14);
    expect(halvesIn(73, '10')).toBe(15);
    expect(formatRating(0, '10')).toBe('0');
    expect(formatRating(100, '5')).toBe('5');
  });

  it('has no text for a missing rating', () => {
    expect(formatRating(null, '10')).toBe('');
    expect(ratingLabel(null, '10')).toBe('Not rated');
    expect(ratingLabel(85, '5')).toBe('4.5 / 5 stars');
    expect(ratingLabel(85, '10')).toBe('8.5 / 10');
  });
});

describe('rating parsing', () => {
  it('reads values each scale can show', () => {
    expect(parseRating('8.5', '10')).toEqual({ ok: true, value: 85 });
    expect(parseRating('8.50', '10')).toEqual({ ok: true, value: 85 });
    expect(parseRating('7.0', '10')).toEqual({ ok: true, value: 70 });
    expect(parseRating('.5', '5')).toEqual({ ok: true, value: 10 });
    expect(parseRating(' 100 ', '100')).toEqual({ ok: true, value: 100 });
    expect(parseRating('', '10')).toEqual({ ok: true, value: null });
  });

  it('refuses values the scale cannot show', () => {
    const cases: Array<[string, RatingScale]> = [
      ['8.3', '10'],
      ['10.5', '10'],
      ['11', '10'],
      ['-1', '10'],
      ['+1', '10'],
      ['5.5', '5'],
      ['99.5', '100'],
      ['101', '100'],
      ['eight', '10'],
      ['1e1', '10'],
      ['.', '10'],
      ['8.55', '10'],
    ];
    for (const [text, scale] of cases) {
      const r = parseRating(text, scale);
      expect(r.ok, `'${text}' should be refused on the ${scale} scale`).toBe(false);
    }
  });

  it('round-trips every value a scale can show', () => {
    for (const scale of SCALES) {
      for (const [stored, label] of scaleOptions(scale)) {
        expect(parseRating(label, scale)).toEqual({ ok: true, value: stored });
        expect(formatRating(stored, scale)).toBe(label);
      }
    }
    expect(scaleOptions('5')).toHaveLength(11);
    expect(scaleOptions('10')).toHaveLength(21);
    expect(scaleOptions('100')).toHaveLength(101);
  });

  it('settles any stored value after one conversion', () => {
    for (const scale of SCALES) {
      for (let v = 0; v <= 100; v++) {
        const once = parseRating(formatRating(v, scale), scale);
        if (!once.ok || once.value === null) throw new Error(`${v} did not convert on ${scale}`);
        expect(Math.abs(once.value - v)).toBeLessThanOrEqual(scale === '5' ? 5 : scale === '10' ? 2 : 0);
        expect(parseRating(formatRating(once.value, scale), scale)).toEqual(once);
      }
    }
  });
});
