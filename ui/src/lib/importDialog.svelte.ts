/** Whether the import dialog is open; the sidebar opens it. */
import { api } from './api';

class ImportDialogState {
  open = $state(false);
  /**
   * A file dropped on the window, already handed to the backend: the dialog
   * previews it with its format detected. A new object for each drop.
   */
  dropped = $state<{ name: string } | null>(null);

  /** Imports a dropped file: the dialog opens on its preview. */
  async openDropped(path: string): Promise<void> {
    const name = await api.importDrop(path);
    this.dropped = { name };
    this.open = true;
  }
}

export const importDialog = new ImportDialogState();
