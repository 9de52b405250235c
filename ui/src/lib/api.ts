/**
 * The one typed door to the backend. Every Tauri command the UI uses is a
 * function here; no component calls `invoke` itself. Failures always reject
 * with an `ApiError` carrying the backend's `{ code, message }`.
 *
 * In `npm run dev:mock` (Vite mode "mock") the transport is an in-memory
 * backend for working on the UI in a browser; the production build never
 * includes it.
 */
import { invoke as tauriInvoke } from '@tauri-apps/api/core';
import type { Entry } from './bindings/Entry';
import type { EntryFields } from './bindings/EntryFields';
import type { EntrySummary } from './bindings/EntrySummary';
import type { ErrorPayload } from './bindings/ErrorPayload';
import type { LibraryInfo } from './bindings/LibraryInfo';
import type { ListQuery } from './bindings/ListQuery';
import type { NewEntry } from './bindings/NewEntry';
import type { Platform } from './bindings/Platform';
import type { Settings } from './bindings/Settings';
import type { Stats } from './bindings/Stats';
import type { StatusCounts } from './bindings/StatusCounts';
import type { TitleFacts } from './bindings/TitleFacts';

/** What a rewatch records (mirrors the core's `ViewingDetails`). */
export interface ViewingDetails {
  started_on: string | null;
  finished_on: string | null;
  platform: string | null;
  progress: number;
}

/** A failed command: the backend's code and its message for the user. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
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
  if (isPayload(e)) return new ApiError(e.code, e.message);
  if (e instanceof Error) return new ApiError('app', e.message);
  if (typeof e === 'string' && e.trim() !== '') return new ApiError('app', e);
  return new ApiError('app', 'Something went wrong, and the app did not say what.');
}

export type Invoke = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;

let transport: Promise<Invoke> | null = null;

function getTransport(): Promise<Invoke> {
  if (!transport) {
    transport =
      import.meta.env.MODE === 'mock'
        ? import('./mock/backend').then((m) => m.mockInvoke as Invoke)
        : Promise.resolve(tauriInvoke as Invoke);
  }
  return transport;
}

/** Replaces the transport (tests). */
export function setTransport(invoke: Invoke | null): void {
  transport = invoke ? Promise.resolve(invoke) : null;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const invoke = await getTransport();
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
  listEntries: (query: ListQuery) => call<EntrySummary[]>('list_entries', { query }),
  statusCounts: () => call<StatusCounts>('status_counts'),
  getEntry: (id: number) => call<Entry>('get_entry', { id }),
  addEntry: (entry: NewEntry) => call<Entry>('add_entry', { entry }),
  updateEntry: (id: number, fields: EntryFields) => call<Entry>('update_entry', { id, fields }),
  updateTitle: (id: number, facts: TitleFacts) => call<Entry>('update_title', { id, facts }),
  addEpisode: (id: number) => call<Entry>('add_episode', { id }),
  deleteEntry: (id: number) => call<null>('delete_entry', { id }),
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
  saveSettings: (settings: Settings) => call<Settings>('save_settings', { settings }),
  loadSample: () => call<number>('load_sample'),
  stats: () => call<Stats>('stats'),
  /** Opens an http(s) or mailto link in the user's browser. */
  openUrl: (url: string) => call<null>('open_url', { url }),
};
