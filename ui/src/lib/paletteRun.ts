/**
 * Carries out what was picked in the command palette through the same
 * entry points the sidebar, the dialogs and Settings use.
 */
import { api } from './api';
import { exportDialog } from './exportDialog.svelte';
import { formatBytes } from './format';
import { t } from './i18n';
import { importDialog } from './importDialog.svelte';
import { library } from './library.svelte';
import { lists } from './lists.svelte';
import type { Command } from './palette';
import { app } from './state.svelte';
import { toasts } from './toasts.svelte';

export async function runCommand(c: Command): Promise<void> {
  switch (c.do) {
    case 'page':
      app.go(c.page);
      return;
    case 'status':
      app.go('library');
      library.set({ tab: c.status });
      return;
    case 'stats':
      app.showStats(c.tab);
      return;
    case 'list':
      app.openList(c.id);
      return;
    case 'add':
      app.addOpen = true;
      return;
    case 'import':
      importDialog.open = true;
      return;
    case 'export':
      exportDialog.openLibrary();
      return;
    case 'newList':
      lists.openNew();
      return;
    case 'backup':
      try {
        const b = await api.backupNow();
        toasts.show(t('palette:backedUp', { size: formatBytes(b.size_bytes) }));
      } catch (e) {
        toasts.error(e);
      }
      return;
    case 'undoImport':
      try {
        const u = await api.importUndo();
        toasts.show(t('palette:undone', { backup: u.restored }));
        app.changed();
      } catch (e) {
        toasts.error(e);
      }
      return;
    case 'theme':
      await app.saveSettings({ ...app.settings, theme: c.theme });
      return;
    case 'language':
      // Saved like the theme: the setting outlives a restart and the
      // catalogues are asked in it.
      await app.saveSettings({ ...app.settings, language: c.language });
      return;
  }
}

/** Shows an entry's panel, on the library when the page shown has no room for it. */
export function openEntry(id: number): void {
  if (!app.entryPage) app.go('library');
  app.openEntryId = id;
}
