/**
 * Applies the theme as `data-theme="light|dark"` on <html>. "system" follows
 * the OS through `prefers-color-scheme`, live. The last resolved choice is
 * cached so the next start paints in the right colours before the backend
 * answers.
 */
import type { Theme } from './bindings/Theme';

const CACHE_KEY = 'watchlog.theme';
let current: Theme = 'system';
let media: MediaQueryList | null = null;

function resolve(theme: Theme): 'light' | 'dark' {
  if (theme !== 'system') return theme;
  return media?.matches ? 'dark' : 'light';
}

function paint(): void {
  document.documentElement.dataset.theme = resolve(current);
}

export function applyTheme(theme: Theme): void {
  current = theme;
  if (!media && typeof window !== 'undefined' && window.matchMedia) {
    media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', paint);
  }
  paint();
  try {
    localStorage.setItem(CACHE_KEY, theme);
  } catch {
    /* storage can be unavailable; the theme still applies */
  }
}

/** Applies the cached theme, before settings arrive. */
export function applyCachedTheme(): void {
  let cached: string | null = null;
  try {
    cached = localStorage.getItem(CACHE_KEY);
  } catch {
    cached = null;
  }
  applyTheme(cached === 'light' || cached === 'dark' ? cached : 'system');
}
