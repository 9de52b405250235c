import { describe, expect, it } from 'vitest';
import { highlightParts } from './highlight';

describe('highlightParts', () => {
  it('splits a marked title into matched and plain parts', () => {
    expect(highlightParts('\u0002사운드\u0003트랙 \u0002#2\u0003', '사운드트랙 #2')).toEqual([
      { text: '사운드', match: true },
      { text: '트랙 ', match: false },
      { text: '#2', match: true },
    ]);
  });

  it('shows the plain title when nothing is marked', () => {
    expect(highlightParts(undefined, 'Reply 1988')).toEqual([{ text: 'Reply 1988', match: false }]);
    expect(highlightParts(null, 'Reply 1988')).toEqual([{ text: 'Reply 1988', match: false }]);
  });

  it('keeps markup in a title as text', () => {
    expect(highlightParts('\u0002<b>\u0003 & co', '<b> & co')).toEqual([
      { text: '<b>', match: true },
      { text: ' & co', match: false },
    ]);
  });
});
