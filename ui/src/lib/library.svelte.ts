/** The library's view (tab, platform, sort, layout), remembered across starts. */
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
