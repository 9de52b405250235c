/**
 * Files dropped on the window go to the import: while one hovers, an
 * overlay says so; dropped, the import dialog opens on its preview with
 * the format detected by the core. The webview's drag-drop event (Tauri's,
 * which gives the files' paths) is listened to once, for the window's life.
 */
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { t } from './i18n';
import { importDialog } from './importDialog.svelte';
import { toasts } from './toasts.svelte';

class DropState {
  /** A file is being dragged over the window. */
  hovering = $state(false);
}

export const drop = new DropState();

/** What was dropped: one path to import, or how many came at once. */
export function droppedFile(paths: readonly string[]): { path: string } | { several: number } | null {
  if (paths.length === 0) return null;
  return paths.length === 1 ? { path: paths[0] } : { several: paths.length };
}

async function dropped(paths: readonly string[]): Promise<void> {
  const what = droppedFile(paths);
  if (!what) return;
  if ('several' in what) {
    toasts.show(t('drop:several', { count: what.several }), 'error');
    return;
  }
  try {
    await importDialog.openDropped(what.path);
  } catch (e) {
    toasts.error(e);
  }
}

/** Starts listening; the returned function stops. */
export function listenForDrops(): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    if (p.type === 'enter') drop.hovering = p.paths.length > 0;
    else if (p.type === 'leave') drop.hovering = false;
    else if (p.type === 'drop') {
      drop.hovering = false;
      void dropped(p.paths);
    }
  });
}
