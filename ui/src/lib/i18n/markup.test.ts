import { describe, expect, it } from 'vitest';
import { markup } from './markup';

describe('markup', () => {
  it('cuts a message into text, spans and places', () => {
    expect(markup('Drag <handle/> to reorder, or press <keys/>.')).toEqual([
      { tag: null, text: 'Drag ' },
      { tag: 'handle', text: null },
      { tag: null, text: ' to reorder, or press ' },
      { tag: 'keys', text: null },
      { tag: null, text: '.' },
    ]);
    expect(markup('<b>⋯</b> 메뉴를 열고 <b>리스트에 추가</b>')).toEqual([
      { tag: 'b', text: '⋯' },
      { tag: null, text: ' 메뉴를 열고 ' },
      { tag: 'b', text: '리스트에 추가' },
    ]);
  });

  it('leaves a message with no markup, or a stray bracket, as text', () => {
    expect(markup('Nothing here')).toEqual([{ tag: null, text: 'Nothing here' }]);
    expect(markup('a < b and <b>unclosed')).toEqual([{ tag: null, text: 'a < b and <b>unclosed' }]);
    expect(markup('')).toEqual([]);
  });
});
