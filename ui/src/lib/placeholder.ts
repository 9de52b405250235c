/**
 * Placeholder poster art: a few characters of the title on a gradient whose
 * colours come from the title itself, so the same title always looks the
 * same and different titles look different.
 */

import { locale } from './i18n';

const CJK = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const MINOR_WORDS = new Set(['the', 'a', 'an', 'of', 'on', 'in', 'to', 'and', 'at', 'for']);

function graphemes(text: string): string[] {
  if (typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    const seg = new Intl.Segmenter(locale(), { granularity: 'grapheme' });
    return Array.from(seg.segment(text), (s) => s.segment);
  }
  return Array.from(text);
}

/** True when the text is written in an East or South-East Asian script. */
export function isAsianScript(text: string): boolean {
  return CJK.test(text);
}

/**
 * The characters shown on a placeholder poster. Titles in Hangul, kanji,
 * kana, hanzi or Thai show their first two letters ("사운", "陈情"); others
 * show the initials of their first two significant words ("CL" for Crash
 * Landing on You, "S2" for Soundtrack #2).
 */
export function posterInitials(name: string, originalName?: string | null): string {
  const source = [originalName, name].find((t) => t && isAsianScript(t));
  if (source) {
    const letters = graphemes(source).filter((g) => WORD_CHAR.test(g) || CJK.test(g));
    const asian = letters.filter((g) => CJK.test(g));
    return (asian.length >= 1 ? asian : letters).slice(0, 2).join('');
  }
  const words = name
    .split(/[\s\-–—:/·]+/u)
    .map((w) => graphemes(w).filter((g) => WORD_CHAR.test(g)).join(''))
    .filter((w) => w !== '');
  if (words.length === 0) return '?';
  const significant = words.filter((w) => !MINOR_WORDS.has(w.toLowerCase()));
  const chosen = (significant.length > 0 ? significant : words).slice(0, 2);
  return chosen.map((w) => graphemes(w)[0].toLocaleUpperCase()).join('');
}

/** FNV-1a over UTF-16 code units: small, stable, well spread. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HUES = [5, 20, 35, 50, 150, 165, 180, 195, 210, 225, 240, 255, 270, 285, 300, 315, 330, 345];

export interface PosterColors {
  /** Start and end of the gradient, as CSS colours. */
  from: string;
  to: string;
  /** Angle of the gradient in degrees. */
  angle: number;
  hue: number;
}

/** The gradient for a title, derived from its name only. */
export function posterColors(name: string, originalName?: string | null): PosterColors {
  const h = hashString(`${name.trim().toLowerCase()}|${(originalName ?? '').trim()}`);
  // Hues from around the wheel, skipping the muddy olive-yellows.
  const hue = HUES[h % HUES.length] + ((h >>> 5) % 11) - 5;
  const spread = 25 + ((h >>> 9) % 40); // 25–64° around the wheel
  const angle = 135 + ((h >>> 17) % 4) * 15; // 135–180°
  return {
    hue: (hue + 360) % 360,
    from: `oklch(0.64 0.14 ${(hue + 360) % 360})`,
    to: `oklch(0.34 0.11 ${(hue + spread + 360) % 360})`,
    angle,
  };
}
