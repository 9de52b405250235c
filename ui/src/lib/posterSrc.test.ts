import { afterEach, describe, expect, it, vi } from 'vitest';
import { posterSrc, searchThumbSrc } from './api';

describe('posterSrc', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is null without a cached poster, so the placeholder shows', () => {
    expect(posterSrc(null)).toBeNull();
    expect(posterSrc(undefined)).toBeNull();
    expect(posterSrc('')).toBeNull();
  });

  it('names the poster protocol with the opaque id and the size', () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15' });
    expect(posterSrc('ab12', 342)).toBe('poster://localhost/ab12-342');
    expect(posterSrc('ab12', 780)).toBe('poster://localhost/ab12-780');
    expect(posterSrc('ab12')).toBe('poster://localhost/ab12-342');
  });

  it('uses the http form on Windows WebView2', () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120' });
    expect(posterSrc('ab12', 780)).toBe('http://poster.localhost/ab12-780');
  });
});

describe('searchThumbSrc', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('routes a search result image through the app, the address encoded', () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15' });
    expect(searchThumbSrc(null)).toBeNull();
    expect(searchThumbSrc('https://static.tvmaze.com/a b.jpg?x=1')).toBe(
      'poster://localhost/search/https%3A%2F%2Fstatic.tvmaze.com%2Fa%20b.jpg%3Fx%3D1',
    );
  });
});
