import { afterEach, describe, expect, it } from 'vitest';
import { setTransport } from './api';
import type { RatingTable } from './bindings/RatingTable';
import { formatRating, loadRatingTable, parseRating, ratingLabel, stepOf } from './rating';
import { FIVE, HUNDRED, TEN } from './ratingTables.fixture';

afterEach(() => setTransport(null));

describe('the fixture', () => {
  it('is shaped like the core table', () => {
    expect(FIVE.steps.map((s) => s.stored)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(FIVE.steps.map((s) => s.label)).toEqual(['0', '0.5', '1', '1.5', '2', '2.5', '3', '3.5', '4', '4.5', '5']);
    expect(TEN.steps[17]).toEqual({ stored: 85, label: '8.5' });
    expect(HUNDRED.steps).toHaveLength(101);
  });
});

describe('rating display', () => {
  it('shows the Soundtrack #2 rating in every scale', () => {
    expect(formatRating(85, TEN)).toBe('8.5');
    expect(formatRating(85, HUNDRED)).toBe('85');
    // 85 sits between 4 and 4.5 stars; the table shows it as 4.5.
    expect(formatRating(85, FIVE)).toBe('4.5');
    expect(formatRating(84, FIVE)).toBe('4');
  });

  it('shows a stored value between two steps as the step the table names', () => {
    expect(stepOf(84, FIVE)).toEqual({ stored: 80, label: '4' });
    expect(stepOf(73, TEN)).toEqual({ stored: 75, label: '7.5' });
    expect(stepOf(null, TEN)).toBeNull();
    expect(formatRating(0, TEN)).toBe('0');
    expect(formatRating(100, FIVE)).toBe('5');
  });

  it('has no text for a missing rating', () => {
    expect(formatRating(null, TEN)).toBe('');
    expect(formatRating(85, null)).toBe('');
    expect(ratingLabel(null, TEN)).toBe('Not rated');
    expect(ratingLabel(85, FIVE)).toBe('4.5 / 5 stars');
    expect(ratingLabel(85, TEN)).toBe('8.5 / 10');
    expect(ratingLabel(85, HUNDRED)).toBe('85 / 100');
  });
});

describe('rating parsing', () => {
  it('reads a label of the scale', () => {
    expect(parseRating('8.5', TEN)).toEqual({ ok: true, value: 85 });
    expect(parseRating(' 8,5 ', TEN)).toEqual({ ok: true, value: 85 });
    expect(parseRating('4.5', FIVE)).toEqual({ ok: true, value: 90 });
    expect(parseRating(' 100 ', HUNDRED)).toEqual({ ok: true, value: 100 });
    expect(parseRating('', TEN)).toEqual({ ok: true, value: null });
    expect(parseRating('  ', TEN)).toEqual({ ok: true, value: null });
  });

  it('refuses text that is no label, with the scale hint', () => {
    const cases: Array<[string, RatingTable]> = [
      ['8.3', TEN],
      ['10.5', TEN],
      ['11', TEN],
      ['-1', TEN],
      ['5.5', FIVE],
      ['99.5', HUNDRED],
      ['101', HUNDRED],
      ['eight', TEN],
      ['.', TEN],
    ];
    for (const [text, t] of cases) {
      const r = parseRating(text, t);
      expect(r.ok, `'${text}' should be refused on the ${t.scale} scale`).toBe(false);
    }
    expect(parseRating('8.3', TEN)).toEqual({ ok: false, error: 'Enter 0 to 10 in steps of 0.5.' });
  });

  it('round-trips every step of every scale', () => {
    for (const t of [FIVE, TEN, HUNDRED]) {
      for (const step of t.steps) {
        expect(parseRating(step.label, t)).toEqual({ ok: true, value: step.stored });
        expect(formatRating(step.stored, t)).toBe(step.label);
      }
    }
  });
});

describe('loadRatingTable', () => {
  it('asks the core once per scale', async () => {
    const asked: unknown[] = [];
    setTransport(async <T,>(cmd: string, args?: Record<string, unknown>) => {
      asked.push([cmd, args]);
      return (args?.scale === '5' ? FIVE : TEN) as T;
    });
    expect(await loadRatingTable('5')).toEqual(FIVE);
    expect(await loadRatingTable('5')).toEqual(FIVE);
    expect(await loadRatingTable('10')).toEqual(TEN);
    expect(asked).toEqual([
      ['rating_table', { scale: '5' }],
      ['rating_table', { scale: '10' }],
    ]);
  });

  it('asks again after a failure', async () => {
    let calls = 0;
    setTransport(async <T,>() => {
      calls++;
      if (calls === 1) throw { code: 'app', message: 'the library is busy' };
      return HUNDRED as T;
    });
    await expect(loadRatingTable('100')).rejects.toMatchObject({ code: 'app' });
    expect(await loadRatingTable('100')).toEqual(HUNDRED);
    expect(calls).toBe(2);
  });
});
