/**
 * Search matches as the backend marks them: each matched part of a title
 * sits between U+0002 and U+0003. The marks are control characters that
 * never occur in a title, so splitting on them needs no escaping, and the
 * parts are rendered as text, never as HTML.
 */
export interface Part {
  text: string;
  match: boolean;
}

const START = '\u0002';
const END = '\u0003';

export function highlightParts(marked: string | null | undefined, plain: string): Part[] {
  if (!marked) return [{ text: plain, match: false }];
  const parts: Part[] = [];
  let match = false;
  let text = '';
  for (const c of marked) {
    if (c === START || c === END) {
      if (text) parts.push({ text, match });
      text = '';
      match = c === START;
    } else {
      text += c;
    }
  }
  if (text) parts.push({ text, match });
  return parts;
}
