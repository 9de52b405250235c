/**
 * The arithmetic of a list's page and of the library's selection, kept
 * free of Svelte so it is unit-tested: moving an id within an order (a
 * drag, Alt+↑/↓), where a pointer drops between items, the selection a
 * Ctrl/Cmd- or Shift-click makes, and the words for what adding to a list
 * did. Which orders are allowed is the core's: the page sends the whole
 * new order to `reorder_list` and shows its answer.
 */
import type { ListPut } from './bindings/ListPut';
import { t } from './i18n';

/**
 * `order` with `id` taken out and put back at `slot`, a gap between items
 * counted in the order as it was (0: before the first, `order.length`:
 * after the last). The same order when `id` is not in it or stays put.
 */
export function moveToSlot<T>(order: readonly T[], id: T, slot: number): T[] {
  const from = order.indexOf(id);
  if (from < 0) return [...order];
  const gap = Math.max(0, Math.min(order.length, slot));
  // Taking the item out closes its own place: gaps after it shift by one.
  const to = gap > from ? gap - 1 : gap;
  const next = order.filter((_, i) => i !== from);
  next.splice(to, 0, id);
  return next;
}

/** `order` with `id` moved `by` places (−1: up one), kept inside the list. */
export function moveBy<T>(order: readonly T[], id: T, by: number): T[] {
  const from = order.indexOf(id);
  if (from < 0) return [...order];
  const to = Math.max(0, Math.min(order.length - 1, from + by));
  const next = order.filter((_, i) => i !== from);
  next.splice(to, 0, id);
  return next;
}

/** Whether two orders are the same (nothing to send). */
export function sameOrder<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The gap a pointer at `y` is over, from the items' vertical extents in
 * order: before the first item whose middle is below the pointer, else
 * after the last.
 */
export function slotAt(y: number, items: ReadonlyArray<{ top: number; bottom: number }>): number {
  for (let i = 0; i < items.length; i++) {
    if (y < (items[i].top + items[i].bottom) / 2) return i;
  }
  return items.length;
}

/**
 * Whether dropping `id` at `slot` changes nothing: the gaps either side of
 * the dragged item are its own place (no indicator is drawn there).
 */
export function isOwnSlot<T>(order: readonly T[], id: T, slot: number): boolean {
  const at = order.indexOf(id);
  return at >= 0 && (slot === at || slot === at + 1);
}

/** The keyboard's moves on a list's item: Alt+↑/↓ one place, Alt+Home/End to the ends. */
export function keyMove(key: string, alt: boolean, length: number): number | null {
  if (!alt) return null;
  switch (key) {
    case 'ArrowUp':
      return -1;
    case 'ArrowDown':
      return 1;
    case 'Home':
      return -length;
    case 'End':
      return length;
    default:
      return null;
  }
}

/** A library selection: the ids picked, and the index the next Shift-click runs from. */
export interface Selection {
  ids: number[];
  anchor: number | null;
}

export const NO_SELECTION: Selection = { ids: [], anchor: null };

/**
 * The selection after a click on the entry `id` at listing index `index`
 * with Ctrl/Cmd (`toggle`) or Shift (`range`) held. `idAt` names the
 * entries of the indices a range covers (those not loaded are skipped).
 * Shift adds the range from the anchor to `index`; Ctrl/Cmd adds or drops
 * one and moves the anchor there. `null`: a plain click, which opens the
 * entry rather than selecting.
 */
export function selectClick(
  sel: Selection,
  id: number,
  index: number,
  mods: { toggle: boolean; range: boolean },
  idAt: (index: number) => number | undefined,
): Selection | null {
  if (mods.range && sel.anchor !== null) {
    const [from, to] = sel.anchor <= index ? [sel.anchor, index] : [index, sel.anchor];
    const ids = [...sel.ids];
    for (let i = from; i <= to; i++) {
      const at = i === index ? id : idAt(i);
      if (at !== undefined && !ids.includes(at)) ids.push(at);
    }
    return { ids, anchor: sel.anchor };
  }
  if (mods.toggle || mods.range) {
    const on = sel.ids.includes(id);
    return { ids: on ? sel.ids.filter((x) => x !== id) : [...sel.ids, id], anchor: index };
  }
  return null;
}

/** "Added 3 to “Top 10”, 1 was already on the list": what putting a selection on a list did. */
export function putReport(put: ListPut): string {
  const vars = { list: put.list.name, added: put.added, already: put.already };
  if (put.added === 0) return t('lists:put.none', vars);
  return put.already === 0 ? t('lists:put.added', vars) : t('lists:put.addedSome', vars);
}

/**
 * Shift+arrow from `from` to `to`: the run from the anchor to `to` is
 * picked in place of the run from the anchor to `from`, so the selection
 * grows and shrinks with the keys; entries picked apart (Ctrl-click) stay.
 * With nothing anchored yet, `from` is the anchor.
 */
export function selectMove(
  sel: Selection,
  from: number,
  to: number,
  idAt: (index: number) => number | undefined,
): Selection {
  const anchor = sel.anchor ?? from;
  const run = (a: number, b: number) => {
    const out: number[] = [];
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
      const id = idAt(i);
      if (id !== undefined) out.push(id);
    }
    return out;
  };
  const old = sel.anchor === null ? [] : run(anchor, from);
  const ids = sel.ids.filter((id) => !old.includes(id));
  for (const id of run(anchor, to)) if (!ids.includes(id)) ids.push(id);
  return { ids, anchor };
}
