/**
 * The user's lists as the sidebar, the filter chip and the "Add to list"
 * menus show them, and the list dialog (new or edit). The lists are read
 * again after anything that changes them or the library.
 */
import { api } from './api';
import type { ListSummary } from './bindings/ListSummary';
import { putReport } from './listOrder';
import { toasts } from './toasts.svelte';
import { offerUndo } from './undo';

/** What the list dialog is doing: making a list (then handing it on), or editing one. */
export type ListDialog =
  | { mode: 'new'; then?: (list: ListSummary) => void | Promise<void> }
  | { mode: 'edit'; list: ListSummary };

class ListsStore {
  all = $state<ListSummary[]>([]);
  dialog = $state<ListDialog | null>(null);
  /** Bumped when entries were put on or taken off a list: the list's page and a listing filtered by it read again. */
  changes = $state(0);
  /** Drops answers older than the newest read. */
  private seq = 0;

  async refresh(): Promise<void> {
    const mine = ++this.seq;
    try {
      const all = await api.lists();
      if (mine === this.seq) this.all = all;
    } catch (e) {
      toasts.error(e);
    }
  }

  byId(id: number | null): ListSummary | undefined {
    return id === null ? undefined : this.all.find((l) => l.id === id);
  }

  /**
   * Puts entries at the end of a list and says what the core did ("Added
   * 3, 1 was already on the list"); `true` when it answered.
   */
  async putEntries(list: ListSummary, entries: number[]): Promise<boolean> {
    try {
      // Through a bulk change, so the toast can take it back.
      const out = await api.bulkChange(entries, { list: list.id });
      const shown = () => {
        void this.refresh();
        // A library filtered by this list, or the list's page, shows them.
        this.changes++;
      };
      offerUndo(putReport(out.report.list!), out.undo, shown);
      shown();
      return true;
    } catch (e) {
      toasts.error(e);
      return false;
    }
  }

  /** Opens the dialog for a new list; `then` gets the list once made (e.g. to put a selection on it). */
  openNew(then?: (list: ListSummary) => void | Promise<void>): void {
    this.dialog = { mode: 'new', then };
  }
}

export const lists = new ListsStore();
