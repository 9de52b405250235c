/** The library's view (tab, platform, sort, layout), remembered across starts. */
import type { SortKey } from './bindings/SortKey';
import { NO_SELECTION, type Selection } from './listOrder';
import { parseView, serializeView, VIEW_STORAGE_KEY, type LibraryView } from './query';

function load(): LibraryView {
  try {
    return parseView(localStorage.getItem(VIEW_STORAGE_KEY));
  } catch {
    return parseView(null);
  }
}

class LibraryStore {
  view = $state<LibraryView>(load());
  search = $state('');
  /** The order picked while searching; forgotten when the search is cleared. */
  searchSort = $state<SortKey | null>(null);
  /**
   * Where the library was scrolled to when another page was opened, and for
   * which listing, so coming back lands in the same place. Not saved to disk.
   */
  scrolled: { key: string; top: number } | null = null;
  /** The cards picked with Ctrl/Cmd- or Shift-click, for "Add to list". */
  selection = $state<Selection>(NO_SELECTION);

  clearSelection(): void {
    this.selection = NO_SELECTION;
  }

  set(patch: Partial<LibraryView>): void {
    this.view = { ...this.view, ...patch };
    try {
      localStorage.setItem(VIEW_STORAGE_KEY, serializeView(this.view));
    } catch {
      /* not remembered, still applied */
    }
  }
}

export const library = new LibraryStore();
