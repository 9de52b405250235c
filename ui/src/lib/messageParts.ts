/**
 * A translated sentence with controls inside it (a link, a <code>): the
 * message keeps its arguments where the controls go, so each language puts
 * them where its word order wants them, and the sentence is never glued
 * together from fragments. `slotArgs` fills each argument with a mark no
 * message contains; `splitSlots` cuts the finished text at the marks.
 */
export type MessagePart<S extends string> = { text: string } | { slot: S };

const mark = (i: number) => `\u0001${i}\u0002`;

/** The arguments to format the message with: one mark per slot. */
export function slotArgs<S extends string>(slots: readonly S[]): Record<S, string> {
  return Object.fromEntries(slots.map((s, i) => [s, mark(i)])) as Record<S, string>;
}

/** The message's text and slots, in order; empty text between slots is left out. */
export function splitSlots<S extends string>(message: string, slots: readonly S[]): MessagePart<S>[] {
  const parts: MessagePart<S>[] = [];
  for (const piece of message.split(/(\u0001\d+\u0002)/)) {
    const m = /^\u0001(\d+)\u0002$/.exec(piece);
    const slot = m ? slots[Number(m[1])] : undefined;
    if (slot !== undefined) parts.push({ slot });
    else if (piece !== '') parts.push({ text: piece });
  }
  return parts;
}
