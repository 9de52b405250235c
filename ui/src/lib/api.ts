/**
 * The one typed door to the backend. Every Tauri command the UI uses is a
 * function here; no component calls `invoke` itself. Failures always reject
 * with an `ApiError` carrying the backend's `{ code, message, field }`.
 */
import { Channel, invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { t } from './i18n';
import type { CatalogRef } from './bindings/CatalogRef';
import type { SyncReport } from './bindings/SyncReport';
import type { SyncStatus } from './bindings/SyncStatus';
import type { CatalogStatus } from './bindings/CatalogStatus';
import type { Details } from './bindings/Details';
import type { Provider } from './bindings/Provider';
import type { RefreshProgress } from './bindings/RefreshProgress';
import type { RefreshSummary } from './bindings/RefreshSummary';
import type { Unmatched } from './bindings/Unmatched';
import type { ListenerStatus } from './bindings/ListenerStatus';
import type { SearchAnswer } from './bindings/SearchAnswer';
import type { Entry } from './bindings/Entry';
import type { EntryFields } from './bindings/EntryFields';
import type { EntryPatch } from './bindings/EntryPatch';
import type { EntryPreview } from './bindings/EntryPreview';
import type { ErrorPayload } from './bindings/ErrorPayload';
import type { LibraryInfo } from './bindings/LibraryInfo';
import type { ListQuery } from './bindings/ListQuery';
import type { ListPage } from './bindings/ListPage';
import type { Facets } from './bindings/Facets';
import type { NewEntry } from './bindings/NewEntry';
import type { Platform } from './bindings/Platform';
import type { RatingScale } from './bindings/RatingScale';
import type { RatingTable } from './bindings/RatingTable';
import type { Settings } from './bindings/Settings';
import type { Stats } from './bindings/Stats';
import type { YearReview } from './bindings/YearReview';
import type { StatusCounts } from './bindings/StatusCounts';
import type { TitleFacts } from './bindings/TitleFacts';
import type { BackupFile } from './bindings/BackupFile';
import type { Recovery } from './bindings/Recovery';
import type { ImportFormat } from './bindings/ImportFormat';
import type { ImportProgress } from './bindings/ImportProgress';
import type { ImportReport } from './bindings/ImportReport';
import type { ReadOptions } from './bindings/ReadOptions';
import type { Prefer } from './bindings/Prefer';
import type { UndoReport } from './bindings/UndoReport';
import type { UndoStep } from './bindings/UndoStep';
import type { BulkChange } from './bindings/BulkChange';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { ExportFormat } from './bindings/ExportFormat';
import type { ExportOptions } from './bindings/ExportOptions';
import type { ExportProgress } from './bindings/ExportProgress';
import type { ExportReport } from './bindings/ExportReport';
import type { AiringStatus } from './bindings/AiringStatus';
import type { FetchProgress } from './bindings/FetchProgress';
import type { FetchSummary } from './bindings/FetchSummary';
import type { PosterStatus } from './bindings/PosterStatus';
import type { PruneReport } from './bindings/PruneReport';
import type { CalendarItem } from './bindings/CalendarItem';
import type { CalendarQuery } from './bindings/CalendarQuery';
import type { EpisodeProgress } from './bindings/EpisodeProgress';
import type { EpisodeRef } from './bindings/EpisodeRef';
import type { Rating } from './bindings/Rating';
import type { UpNextQuery } from './bindings/UpNextQuery';
import type { UpNextRow } from './bindings/UpNextRow';
import type { ListDetail } from './bindings/ListDetail';
import type { ListPatch } from './bindings/ListPatch';
import type { ListPut } from './bindings/ListPut';
import type { ListSummary } from './bindings/ListSummary';
import type { NewList } from './bindings/NewList';

/** What a rewatch records (mirrors the core's `ViewingDetails`). */
export interface ViewingDetails {
  started_on: string | null;
  finished_on: string | null;
  platform: string | null;
  progress: number;
}

/** The core's clock: an instant (RFC 3339, UTC) and the viewer's day. */
export interface CoreNow {
  now: string;
  today: string;
}

/**
 * A failed command: the backend's code, its message for the user and, when
 * the error is about one input, that input's field name (`year`,
 * `finished_on`, `scores.story`…).
 */
export class ApiError extends Error {
  readonly code: string;
  readonly field?: string;
  /** For `needs_choice`: the values `field` can take. */
  readonly choices?: string[];
  constructor(code: string, message: string, field?: string, choices?: string[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    if (field !== undefined) this.field = field;
    if (choices !== undefined) this.choices = choices;
  }
}

function isPayload(e: unknown): e is ErrorPayload {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as ErrorPayload).code === 'string' &&
    typeof (e as ErrorPayload).message === 'string'
  );
}

/** Turns whatever a command rejected with into an `ApiError`. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isPayload(e)) {
    const field = typeof e.field === 'string' ? e.field : undefined;
    const choices = Array.isArray(e.choices) ? e.choices.filter((c) => typeof c === 'string') : undefined;
    return new ApiError(e.code, e.message, field, choices);
  }
  if (e instanceof Error) return new ApiError('app', e.message);
  if (typeof e === 'string' && e.trim() !== '') return new ApiError('app', e);
  return new ApiError('app', t('app:unknownError'));
}

export type Invoke = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;

let transport: Invoke = tauriInvoke as Invoke;

/** Replaces the transport (tests); `null` puts Tauri's back. */
export function setTransport(invoke: Invoke | null): void {
  transport = invoke ?? (tauriInvoke as Invoke);
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const invoke = transport;
  // Arguments are plain JSON: copying them strips Svelte's state proxies so
  // every transport sees ordinary objects.
  const plain = args === undefined ? undefined : (JSON.parse(JSON.stringify(args)) as Record<string, unknown>);
  try {
    return await invoke<T>(cmd, plain);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  libraryInfo: () => call<LibraryInfo>('library_info'),
  /** One page of the library view, from `query.cursor` or `query.offset` on. */
  listPage: (query: ListQuery) => call<ListPage>('list_page', { query }),
  /** How many entries match, and the counts on the filter chips. */
  facetCounts: (query: ListQuery) => call<Facets>('facet_counts', { query }),
  statusCounts: () => call<StatusCounts>('status_counts'),
  getEntry: (id: number) => call<Entry>('get_entry', { id }),
  addEntry: (entry: NewEntry) => call<Entry>('add_entry', { entry }),
  /** Every field error of what `addEntry` would add, without adding it. */
  checkNewEntry: (entry: NewEntry) => call<ErrorPayload[]>('check_new_entry', { entry }),
  /** Changes the keys present in `patch`, and only those. */
  updateEntry: (id: number, patch: EntryPatch) => call<Entry>('update_entry', { id, patch }),
  /** What saving `patch` now would store, status rules applied, and every field error; writes nothing. */
  previewEntry: (id: number, patch: EntryPatch) => call<EntryPreview>('preview_entry', { id, patch }),
  /** Every field error of "Edit details", without saving. */
  checkTitle: (id: number, facts: TitleFacts) => call<ErrorPayload[]>('check_title', { id, facts }),
  updateTitle: (id: number, facts: TitleFacts) => call<Entry>('update_title', { id, facts }),
  addEpisode: (id: number) => call<Entry>('add_episode', { id }),
  /** Deletes an entry; the step takes it back through `undo`. */
  deleteEntry: (id: number) => call<UndoStep>('delete_entry', { id }),
  /** Deletes a selection, all or none, as one step. */
  deleteEntries: (ids: number[]) => call<UndoStep>('delete_entries', { ids }),
  /** One change to every entry of a selection, in one transaction and one step. */
  bulkChange: (ids: number[], change: BulkChange) => call<BulkOutcome>('bulk_change', { ids, change }),
  /** Takes back a step a delete or a bulk change returned. */
  undo: (step: number) => call<UndoStep>('undo', { step }),
  addViewing: (id: number, viewing: ViewingDetails) => call<Entry>('add_viewing', { id, viewing }),
  deleteViewing: (viewingId: number) => call<Entry>('delete_viewing', { viewingId }),
  /** Sanitised HTML from the core's Markdown renderer. */
  renderMarkdown: (markdown: string) => call<string>('render_markdown', { markdown }),
  listPlatforms: () => call<Platform[]>('list_platforms'),
  addPlatform: (name: string, subscribed: boolean) => call<Platform>('add_platform', { name, subscribed }),
  updatePlatform: (id: number, name: string, subscribed: boolean) =>
    call<Platform>('update_platform', { id, name, subscribed }),
  deletePlatform: (id: number) => call<null>('delete_platform', { id }),
  getSettings: () => call<Settings>('get_settings'),
  /** Every value `scale` can show, with its label, as the core defines them. */
  ratingTable: (scale: RatingScale) => call<RatingTable>('rating_table', { scale }),
  saveSettings: (settings: Settings) => call<Settings>('save_settings', { settings }),
  loadSample: () => call<number>('load_sample'),
  stats: () => call<Stats>('stats'),
  /** One calendar year in review; a year outside the core's range is a `year` field error. */
  yearReview: (year: number) => call<YearReview>('year_review', { year }),
  systemLanguage: () => call<string | null>('system_language'),
  /**
   * Asks where to save, then writes the year in review there: the web page,
   * or with `png` the card. `null` when the dialog was cancelled.
   */
  exportYear: (year: number, png: boolean, title: string | null = null) =>
    call<YearReview | null>('export_year', { year, png, title }),
  /**
   * Asks where to save, then writes one list's PNG card there. `false`
   * when the dialog was cancelled.
   */
  exportListCard: (list: number) => call<boolean>('export_list_card', { list }),
  /** Opens an http(s) or mailto link in the user's browser. */
  openUrl: (url: string) => call<null>('open_url', { url }),
  /** Catalogue search; `request` comes back so a late, older answer can be dropped. A newer search rejects this one with code `cancelled`. */
  catalogSearch: (provider: Provider, query: string, request: number) =>
    call<SearchAnswer>('catalog_search', { provider, query, request }),
  catalogDetails: (reference: CatalogRef) => call<Details>('catalog_details', { reference }),
  addFromCatalog: (reference: CatalogRef, fields: EntryFields) =>
    call<Entry>('add_from_catalog', { reference, fields }),
  refreshEntry: (id: number) => call<Entry>('refresh_entry', { id }),
  /** Refreshes every catalogue title; `onProgress` hears about each one. */
  refreshAll: (onProgress: (p: RefreshProgress) => void) => {
    const channel = new Channel<RefreshProgress>();
    channel.onmessage = onProgress;
    return call<RefreshSummary>('refresh_all', { onProgress: channel });
  },
  /** Refreshes the running and upcoming shows, as the app does every few hours. */
  refreshAiring: (onProgress: (p: RefreshProgress) => void) => {
    const channel = new Channel<RefreshProgress>();
    channel.onmessage = onProgress;
    return call<RefreshSummary>('refresh_airing', { onProgress: channel });
  },
  airingStatus: () => call<AiringStatus>('airing_status'),
  /** The shows with no catalogue match (the *Needs a match* list). */
  unmatched: () => call<Unmatched[]>('unmatched'),
  /** Starts matching the waiting shows in the background; `false` when a run is on already. Progress comes as `match-progress` events, the end as `match-done`. */
  matchStart: () => call<boolean>('match_start'),
  matchCancel: () => call<boolean>('match_cancel'),
  /** Attaches the show the viewer picked. */
  matchPick: (id: number, show: CatalogRef) => call<Entry>('match_pick', { id, show }),
  /** Keeps the entry as it is: off the list for good. */
  matchKeep: (id: number) => call<null>('match_keep', { id }),
  /** The webhook listener's addresses, or why it is not listening. */
  webhookStatus: () => call<ListenerStatus>('webhook_status'),
  cancelRefresh: () => call<boolean>('cancel_refresh'),
  catalogStatus: () => call<CatalogStatus>('catalog_status'),
  /** Saves the TMDB key (`null` or "" removes it); the key is never read back. */
  setTmdbKey: (key: string | null) => call<CatalogStatus>('set_tmdb_key', { key }),
  /**
   * Asks where to save (native dialog), then exports; `null` if the dialog was
   * cancelled. `onProgress` hears entries done of the library's; `exportCancel`
   * stops it with code `cancelled`, and no file is written.
   */
  exportLibrary: (format: ExportFormat, options: ExportOptions, onProgress: (p: ExportProgress) => void) => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return call<ExportReport | null>('export_library', { format, options, onProgress: channel });
  },
  exportCancel: () => call<boolean>('export_cancel'),
  syncStatus: () => call<SyncStatus>('sync_status'),
  /** Links to `folder`, or one picked in a dialog when `null`; `null` back if cancelled. */
  syncLink: (folder: string | null, device: string | null) =>
    call<SyncStatus | null>('sync_link', { folder, device }),
  syncNow: () => call<SyncReport>('sync_now'),
  backupNow: () => call<BackupFile>('backup_now'),
  listBackups: () => call<BackupFile[]>('list_backups'),
  /** Restores a listed backup by name, or one picked in a dialog; `false` if cancelled. */
  restoreBackup: (name: string | null) => call<boolean>('restore_backup', { name }),
  /** The damaged library moved aside at start, with the newest good backup to offer. */
  libraryRecovery: () => call<Recovery | null>('library_recovery'),
  /** Keeps the new, empty library; the damaged file stays where it was moved. */
  dismissRecovery: () => call<void>('dismiss_recovery'),
  /** The poster cache: counts, failures and size. */
  posterStatus: () => call<PosterStatus>('poster_status'),
  /** The opaque id of an entry's cached poster, if any (see `posterSrc`). */
  entryPoster: (id: number) => call<string | null>('entry_poster', { id }),
  /** Downloads posters (these entries, else the missing ones; `all` revalidates every one). */
  fetchPosters: (entries: number[] | null, all: boolean, onProgress: (p: FetchProgress) => void) => {
    const channel = new Channel<FetchProgress>();
    channel.onmessage = onProgress;
    return call<FetchSummary>('fetch_posters', { entries, all, onProgress: channel });
  },
  cancelPosterFetch: () => call<null>('cancel_poster_fetch'),
  prunePosters: (maxBytes: number | null) => call<PruneReport>('prune_posters', { maxBytes }),
  /** Opens the file dialog for an import; the picked file's name, or `null` if cancelled. */
  importPick: () => call<string | null>('import_pick'),
  /** Takes a file dropped on the window (its full path, from the drop event) as the one to import; its name. */
  importDrop: (path: string) => call<string>('import_drop', { path }),
  /**
   * What importing the picked file would do (`null` format: detect it). Nothing changes.
   * A file that needs a choice (a Netflix profile, a date order) rejects with code `needs_choice`.
   */
  importPreview: (format: ImportFormat | null, prefer: Prefer, options: ReadOptions) =>
    call<ImportReport>('import_preview', { format, prefer, options }),
  /** Imports the picked file (backup first, one transaction), reporting progress. */
  importApply: (
    format: ImportFormat | null,
    prefer: Prefer,
    options: ReadOptions,
    onProgress: (p: ImportProgress) => void,
  ) => {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    return call<ImportReport>('import_apply', { format, prefer, options, onProgress: channel });
  },
  importCancel: () => call<boolean>('import_cancel'),
  /** The backup "undo last import" would restore, or `null`. */
  importUndoAvailable: () => call<string | null>('import_undo_available'),
  importUndo: () => call<UndoReport>('import_undo'),
  /** "Now" as the core sees it (it honours `WATCHLOG_NOW`), for countdowns and today. */
  clockNow: () => call<CoreNow>('clock_now'),
  /** For each show being watched, the episode to watch or wait for, in the core's order. */
  upNext: (query: UpNextQuery) => call<UpNextRow[]>('up_next', { query }),
  /** The episodes whose air day (the viewer's) falls in `query.days` days from `query.from`. */
  calendar: (query: CalendarQuery) => call<CalendarItem[]>('calendar', { query }),
  /** Asks where to save the calendar as an iCalendar file; `null` when cancelled, else the events written. */
  exportCalendar: (query: CalendarQuery) => call<number | null>('export_calendar', { query }),
  /**
   * An entry's episodes in airing order with the marks of its current
   * viewing (or of the earlier viewing `viewing`), then watched ones no longer listed.
   */
  episodeProgress: (id: number, viewing: number | null = null) =>
    call<EpisodeProgress[]>('episode_progress', { id, viewing }),
  /** Marks one episode watched on `on` (an ISO day), or now; answers with the entry. */
  markEpisode: (id: number, episode: EpisodeRef, on: string | null = null) =>
    call<Entry>('mark_episode', { id, episode, on }),
  /** Marks `episode` and every episode before it not watched yet. */
  markEpisodesUntil: (id: number, episode: EpisodeRef, on: string | null = null) =>
    call<Entry>('mark_episodes_until', { id, episode, on }),
  /** Marks several episodes (a season, a range) on `on`, or now: all of them, or none when one is refused. */
  markEpisodes: (id: number, episodes: EpisodeRef[], on: string | null = null) =>
    call<Entry>('mark_episodes', { id, episodes, on }),
  /** Unmarks several episodes of the current viewing: all of them, or none. */
  unmarkEpisodes: (id: number, episodes: EpisodeRef[]) => call<Entry>('unmark_episodes', { id, episodes }),
  /** Starts watching again today: the current viewing, with its marks, is kept as an earlier one. */
  startRewatch: (id: number) => call<Entry>('start_rewatch', { id }),
  /** A watched episode's own rating and note; `null` clears each. */
  annotateEpisode: (id: number, episode: EpisodeRef, rating: Rating | null, note: string | null) =>
    call<null>('annotate_episode', { id, episode, rating, note }),
  /** Every list, by name, with its count. */
  lists: () => call<ListSummary[]>('lists'),
  /** The lists an entry is on, by name. */
  listsOfEntry: (entry: number) => call<ListSummary[]>('lists_of_entry', { entry }),
  /** A list with its description rendered (sanitised by the core) and its items in order. */
  listDetail: (list: number) => call<ListDetail>('list_detail', { list }),
  /** Makes an empty list; a taken or empty name is refused by the core. */
  createList: (list: NewList) => call<ListSummary>('create_list', { list }),
  /** Changes the keys present in `patch`; `description: null` empties it. */
  updateList: (list: number, patch: ListPatch) => call<ListSummary>('update_list', { list, patch }),
  /** Deletes a list; its entries stay in the library. */
  deleteList: (list: number) => call<null>('delete_list', { list }),
  /** Puts one entry on a list, at the end or at `position` (1 is the top); already on it is a `conflict`. */
  putOnList: (list: number, entry: number, position: number | null = null) =>
    call<ListDetail>('put_on_list', { list, entry, position }),
  /** Puts several entries at the end of a list; those on it already stay, and are counted. */
  putEntriesOnList: (list: number, entries: number[]) => call<ListPut>('put_entries_on_list', { list, entries }),
  /** An item's note on a list; `null` or blank removes it. */
  setListNote: (list: number, entry: number, note: string | null) =>
    call<ListDetail>('set_list_note', { list, entry, note }),
  /** Takes an entry off a list; it stays in the library. */
  takeFromList: (list: number, entry: number) => call<ListDetail>('take_from_list', { list, entry }),
  /** The whole new order of a list's entries (each id once). */
  reorderList: (list: number, order: number[]) => call<ListDetail>('reorder_list', { list, order }),
  /** The watchlog:// links received and not yet taken, oldest first; each comes once. */
  takeLinks: () => call<string[]>('take_links'),
  /** The show a watchlog:// link names; a bad link rejects with a message saying why. */
  readLink: (link: string) => call<CatalogRef>('read_link', { link }),
  /** Opens the app's log folder in the file manager. */
  openLogFolder: () => call<void>('open_log_folder'),
};

/** The app's event for a watchlog:// link waiting to be taken. */
const LINK_WAITING = 'link-waiting';

/** Calls `handler` each time a watchlog:// link arrives. Returns the function that stops listening. */
export function onLinkWaiting(handler: () => void): () => void {
  const stop = listen(LINK_WAITING, () => handler());
  stop.catch((e) => console.warn('cannot listen for links', e));
  return () => void stop.then((unlisten) => unlisten()).catch(() => {});
}

/** The app's event for a background refresh of the airing shows that changed the library. */
const AIRING_CHANGED = 'airing-changed';

/**
 * Calls `handler` each time the background refresh of airing shows has
 * changed the library, so a page showing airing data reads the core
 * again. Returns the function that stops listening (an `$effect`'s cleanup).
 */
export function onAiringChanged(handler: () => void): () => void {
  const stop = listen(AIRING_CHANGED, () => handler());
  stop.catch((e) => console.warn('cannot listen for airing refreshes', e));
  return () => void stop.then((unlisten) => unlisten()).catch(() => {});
}

/** The app's event for a sync it ran because another device's change file arrived. */
const SYNC_DONE = 'sync-done';

/**
 * Calls `handler` with the report of each sync the app ran on its own
 * after another device's change file arrived in the sync folder. Returns
 * the function that stops listening.
 */
export function onSynced(handler: (report: SyncReport) => void): () => void {
  const stop = listen<SyncReport>(SYNC_DONE, (e) => handler(e.payload));
  stop.catch((e) => console.warn('cannot listen for syncs', e));
  return () => void stop.then((unlisten) => unlisten()).catch(() => {});
}

/**
 * The URL of a cached poster thumbnail, served by the app's `poster:`
 * protocol from an opaque id (no file path). WebKitGTK and macOS use
 * `poster://localhost/…`; Windows and Android WebViews `http://poster.localhost/…`.
 */
function posterBase(): string {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  return /Windows|Android/.test(ua) ? 'http://poster.localhost' : 'poster://localhost';
}

export function posterSrc(id: string | null | undefined, size: 342 | 780 = 342): string | null {
  if (!id) return null;
  return `${posterBase()}/${id}-${size}`;
}

/**
 * A catalogue search result's thumbnail, fetched by the app (the webview
 * may not load remote images); only addresses a search returned are served.
 */
export function searchThumbSrc(url: string | null | undefined): string | null {
  if (!url) return null;
  return `${posterBase()}/search/${encodeURIComponent(url)}`;
}
