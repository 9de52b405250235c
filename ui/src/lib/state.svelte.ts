/**
 * App-wide state: settings, platforms, status counts, which page is shown
 * and which entry is open. Components read it directly; anything that
 * changes the library calls `changed()` so lists and counts refresh.
 */
import { api } from './api';
import type { LibraryInfo } from './bindings/LibraryInfo';
import type { Platform } from './bindings/Platform';
import type { Settings } from './bindings/Settings';
import type { StatusCounts } from './bindings/StatusCounts';
import { applyTheme } from './theme';
import { toasts } from './toasts.svelte';

export type Page = 'library' | 'stats' | 'settings';

const ZERO: StatusCounts = { all: 0, plan_to_watch: 0, watching: 0, completed: 0, on_hold: 0, dropped: 0 };

class AppState {
  settings = $state<Settings>({ rating_scale: '10', theme: 'system', default_platform: null });
  platforms = $state<Platform[]>([]);
  counts = $state<StatusCounts>({ ...ZERO });
  info = $state<LibraryInfo | null>(null);
  page = $state<Page>('library');
  openEntryId = $state<number | null>(null);
  addOpen = $state(false);
  /** Bumped whenever the library changes; lists re-query on it. */
  revision = $state(0);
  /** True once the first counts have arrived (avoids flashing the empty state). */
  loaded = $state(false);
  /** Set when the library could not be opened at all. */
  fatal = $state<string | null>(null);

  async init(): Promise<void> {
    try {
      const [settings, platforms, counts] = await Promise.all([
        api.getSettings(),
        api.listPlatforms(),
        api.statusCounts(),
      ]);
      this.settings = settings;
      applyTheme(settings.theme);
      this.platforms = platforms;
      this.counts = counts;
      this.loaded = true;
    } catch (e) {
      this.fatal = e instanceof Error ? e.message : String(e);
    }
  }

  async refreshCounts(): Promise<void> {
    try {
      this.counts = await api.statusCounts();
    } catch (e) {
      toasts.error(e);
    }
  }

  async refreshPlatforms(): Promise<void> {
    try {
      this.platforms = await api.listPlatforms();
    } catch (e) {
      toasts.error(e);
    }
  }

  /** The library changed: refresh lists, counts and platform usage. */
  changed(): void {
    this.revision++;
    void this.refreshCounts();
    void this.refreshPlatforms();
  }

  async saveSettings(next: Settings): Promise<boolean> {
    const before = this.settings;
    this.settings = next;
    applyTheme(next.theme);
    try {
      this.settings = await api.saveSettings(next);
      return true;
    } catch (e) {
      this.settings = before;
      applyTheme(before.theme);
      toasts.error(e);
      return false;
    }
  }

  go(page: Page): void {
    this.page = page;
    if (page !== 'library') this.openEntryId = null;
  }
}

export const app = new AppState();
