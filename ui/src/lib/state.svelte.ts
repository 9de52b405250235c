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
import { lists } from './lists.svelte';
import { loadRatingTable } from './rating';
import { applyTheme } from './theme';
import { setLanguage } from './i18n';
import { toasts } from './toasts.svelte';

export type Page = 'upnext' | 'calendar' | 'library' | 'list' | 'matches' | 'stats' | 'settings';

/** The pages an entry can be opened from, beside which the editor slides in. */
const ENTRY_PAGES: Page[] = ['upnext', 'calendar', 'library', 'list', 'matches'];

const ZERO: StatusCounts = { all: 0, plan_to_watch: 0, watching: 0, completed: 0, on_hold: 0, dropped: 0 };

class AppState {
  settings = $state<Settings>({ rating_scale: '10', theme: 'system', default_platform: null, allowed_hosts: [], notify_new_episodes: false, webhook_port: null, webhook_token: null, language: null });
  /** How ratings show in the user's scale; null only until the first table arrives. */
  ratings = $state<RatingTable | null>(null);
  platforms = $state<Platform[]>([]);
  counts = $state<StatusCounts>({ ...ZERO });
  info = $state<LibraryInfo | null>(null);
  /** Up next is home; an empty library opens on the library's first steps instead. */
  page = $state<Page>('upnext');
  openEntryId = $state<number | null>(null);
  /** The list whose page is shown (page `list`). */
  openListId = $state<number | null>(null);
  addOpen = $state(false);
  /** Bumped whenever the library changes; lists re-query on it. */
  revision = $state(0);
  /** True once the first counts have arrived (avoids flashing the empty state). */
  loaded = $state(false);
  /** Set when the library could not be opened at all. */
  fatal = $state<string | null>(null);
  /** Set when a damaged library was moved aside at start; a notice offers its backup. */
  recovery = $state<Recovery | null>(null);

  /** How far the core's clock is from the webview's (non-zero when "now" is fixed for a test). */
  private clockOffset = 0;
  /** The core's idea of today, the viewer's day. */
  today = $state<string | null>(null);

  /** Now, as the core sees it: countdowns and "today" agree with Up next's sections. */
  now(): Date {
    return new Date(Date.now() + this.clockOffset);
  }

  async syncClock(): Promise<void> {
    try {
      const c = await api.clockNow();
      this.clockOffset = new Date(c.now).getTime() - Date.now();
      this.today = c.today;
    } catch (e) {
      toasts.error(e);
    }
  }

  async init(): Promise<void> {
    const clock = this.syncClock();
    const system = api.systemLanguage().catch(() => null);
    try {
      const [[settings, ratings], platforms, counts] = await Promise.all([
        api.getSettings().then(async (s) => [s, await loadRatingTable(s.rating_scale)] as const),
        api.listPlatforms(),
        api.statusCounts(),
        lists.refresh(),
      ]);
      this.settings = settings;
      this.ratings = ratings;
      applyTheme(settings.theme);
      setLanguage(settings.language, await system);
      this.platforms = platforms;
      this.counts = counts;
      if (counts.all === 0 && this.page === 'upnext') this.page = 'library';
      await clock;
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
    // An import brings lists; a deleted entry leaves its lists shorter.
    void lists.refresh();
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
    setLanguage(next.language);
    void this.followScale();
    try {
      this.settings = await api.saveSettings(next);
      void this.followScale();
      return true;
    } catch (e) {
      this.settings = before;
      applyTheme(before.theme);
      setLanguage(before.language);
      void this.followScale();
      toasts.error(e);
      return false;
    }
  }

  /** Whether the entry editor may show beside the current page. */
  get entryPage(): boolean {
    return ENTRY_PAGES.includes(this.page);
  }

  go(page: Page): void {
    if (page !== this.page) this.openEntryId = null;
    this.page = page;
  }

  /** Shows a list's page. */
  openList(id: number): void {
    if (this.page !== 'list' || this.openListId !== id) this.openEntryId = null;
    this.openListId = id;
    this.page = 'list';
  }
}

export const app = new AppState();
