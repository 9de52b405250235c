/**
 * A translated message with a little markup in it, cut into the pieces a
 * template draws: plain text, `<b>text</b>`-style spans, and `<name/>`
 * places where the template puts an element of its own (an icon, keys).
 * The translator moves the tags with the words, so each language keeps
 * its own word order; ICU leaves the tags as text (`ignoreTag`).
 */
export type Piece = { tag: null; text: string } | { tag: string; text: string } | { tag: string; text: null };

const TAG = /<([a-z][\w-]*)\s*\/>|<([a-z][\w-]*)>([\s\S]*?)<\/\2>/gi;

export function markup(message: string): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const m of message.matchAll(TAG)) {
    if (m.index > at) out.push({ tag: null, text: message.slice(at, m.index) });
    if (m[1] !== undefined) out.push({ tag: m[1], text: null });
    else out.push({ tag: m[2], text: m[3] });
    at = m.index + m[0].length;
  }
  if (at < message.length) out.push({ tag: null, text: message.slice(at) });
  return out;
}
