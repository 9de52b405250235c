import { describe, expect, it } from 'vitest';
import { hashString, isAsianScript, posterColors, posterInitials } from './placeholder';

describe('posterInitials', () => {
  it('uses the first letters of a Hangul original title', () => {
    expect(posterInitials('Soundtrack #2', '사운드트랙 #2')).toBe('사운');
    expect(posterInitials('Reply 1988', '응답하라 1988')).toBe('응답');
  });

  it('works for hanzi, kana and Thai', () => {
    expect(posterInitials('The Untamed', '陈情令')).toBe('陈情');
    expect(posterInitials('Shoplifters', '万引き家族')).toBe('万引');
    expect(posterInitials('Bad Genius', 'ฉลาดเกมส์โกง')).toBe('ฉล');
  });

  it('uses a Hangul main title when there is no original', () => {
    expect(posterInitials('나의 아저씨', null)).toBe('나의');
  });

  it('takes the initials of significant words for Latin titles', () => {
    expect(posterInitials('Crash Landing on You')).toBe('CL');
    expect(posterInitials('Soundtrack #2')).toBe('S2');
    expect(posterInitials('The Untamed')).toBe('U');
    expect(posterInitials('the')).toBe('T');
    expect(posterInitials('midnight diner: tokyo stories')).toBe('MD');
    expect(posterInitials('  ')).toBe('?');
    expect(posterInitials('Élite')).toBe('É');
  });
});

describe('posterColors', () => {
  it('is deterministic', () => {
    expect(posterColors('Soundtrack #2', '사운드트랙 #2')).toEqual(posterColors('Soundtrack #2', '사운드트랙 #2'));
    expect(hashString('사운드트랙')).toBe(hashString('사운드트랙'));
  });

  it('ignores case and surrounding space in the title', () => {
    expect(posterColors(' reply 1988 ')).toEqual(posterColors('Reply 1988'));
  });

  it('gives different titles different hues', () => {
    const titles = ['Soundtrack #2', 'Reply 1988', 'My Mister', 'Parasite', 'The Untamed', 'Nirvana in Fire'];
    const hues = new Set(titles.map((t) => posterColors(t).hue));
    expect(hues.size).toBeGreaterThanOrEqual(5);
    for (const t of titles) {
      const c = posterColors(t);
      expect(c.hue).toBeGreaterThanOrEqual(0);
      expect(c.hue).toBeLessThan(360);
      expect(c.from).toMatch(/^oklch\(/);
    }
  });
});

describe('isAsianScript', () => {
  it('detects scripts', () => {
    expect(isAsianScript('사랑의 불시착')).toBe(true);
    expect(isAsianScript('Crash Landing')).toBe(false);
  });
});
