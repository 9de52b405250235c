/**
 * App-wide state: settings, the rating table of the user's scale,
 * platforms, status counts, which page is shown and which entry is open.
 * Components read it directly; anything that changes the library calls
 * `changed()` (or, for one entry, `entryChanged()`) so lists and counts
 * refresh.
 */
import { api } from './api';
import type { LibraryInfo } from './bindings/LibraryInfo';
import type { Platform } from './bindings/Platform';
import type { RatingTable } from './bindings/RatingTable';
import type { Recovery } from './bindings/Recovery';
import type { Settings } from './bindings/Settings';
import type { StatusCounts } from './bindings/StatusCounts';
import { loadRatingTable } from './rating';
import { applyTheme } from './theme';
import { toasts } from './toasts.svelte';

export type Page = 'library' | 'stats' | 'settings';

const ZERO: StatusCounts = { all: 0, plan_to_watch: 0, watching: 0, completed: 0, on_hold: 0, dropped: 0 };

class AppState {
  settings = $state<Settings>({ rating_scale: '10', theme: 'system', default_platform: null, allowed_hosts: [], notify_new_episodes: false });
  /** How ratings show in the user's scale; null only until the first table arrives. */
  ratings = $state<RatingTable | null>(null);
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
  /** Set when a damaged library was moved aside at start; a notice offers its backup. */
  recovery = $state<Recovery | null>(null);

  async init(): Promise<void> {
    try {
      const [[settings, ratings], platforms, counts] = await Promise.all([
        api.getSettings().then(async (s) => [s, await loadRatingTable(s.rating_scale)] as const),
        api.listPlatforms(),
        api.statusCounts(),
      ]);
      this.settings = settings;
      this.ratings = ratings;
      applyTheme(settings.theme);
      this.platforms = platforms;
      this.counts = counts;
      this.loaded = true;
      this.recovery = await api.libraryRecovery();
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

  /**
   * One entry changed (or was added): the listing shows it again, and the
   * status counts follow when its status moved (an added entry moves them).
   * Platforms are left alone: an entry can only name existing ones, and the
   * one view that shows their usage (Settings) reloads them when opened.
   */
  entryChanged(statusMoved: boolean): void {
    this.revision++;
    if (statusMoved) void this.refreshCounts();
  }

  /** Shows ratings in the scale of the settings, once its table is here. */
  private async followScale(): Promise<void> {
    const scale = this.settings.rating_scale;
    if (this.ratings?.scale === scale) return;
    try {
      const table = await loadRatingTable(scale);
      if (this.settings.rating_scale === scale) this.ratings = table;
    } catch (e) {
      toasts.error(e);
    }
  }

  async saveSettings(next: Settings): Promise<boolean> {
    const before = this.settings;
    this.settings = next;
    applyTheme(next.theme);
    void this.followScale();
    try {
      this.settings = await api.saveSettings(next);
      void this.followScale();
      return true;
    } catch (e) {
      this.settings = before;
      applyTheme(before.theme);
      void this.followScale();
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
