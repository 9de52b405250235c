/**
 * The export dialog: whether it is open, and what it exports — the library
 * (the sidebar's Export) or one list (its page's Export), with the format
 * it starts on.
 */
import type { ExportFormat } from './bindings/ExportFormat';
import type { ListSummary } from './bindings/ListSummary';

class ExportDialogState {
  open = $state(false);
  /** The list exported; `null`: the library. */
  list = $state<ListSummary | null>(null);
  /** The format the dialog starts on when opened; `null` keeps the last one picked. */
  format = $state<ExportFormat | null>(null);

  openLibrary(): void {
    this.list = null;
    this.format = null;
    this.open = true;
  }

  openForList(list: ListSummary, format: ExportFormat = 'html'): void {
    this.list = list;
    this.format = format;
    this.open = true;
  }
}

export const exportDialog = new ExportDialogState();
