/**
 * Search-as-you-type against a catalogue: waits for a pause in typing
 * (debounce), numbers every request, and keeps only the answer to the
 * latest one. The backend also cancels a superseded search (it answers
 * `cancelled`); numbering makes the UI safe even when an older answer
 * arrives after a newer one. Pure logic with injected timers, so it is
 * tested without a webview.
 */
import { ApiError, toApiError } from './api';
import type { Provider } from './bindings/Provider';
import type { SearchAnswer } from './bindings/SearchAnswer';
import type { SearchResult } from './bindings/SearchResult';

export type SearchState =
  | { kind: 'idle' }
  | { kind: 'searching' }
  | { kind: 'results'; results: SearchResult[] }
  | { kind: 'offline'; message: string }
  | { kind: 'needs_key'; message: string }
  | { kind: 'error'; message: string };

/** Error codes meaning the catalogue could not be reached at all. */
const UNREACHABLE = new Set(['offline', 'timeout', 'rate_limited', 'provider_error', 'bad_response']);

/** How a failed search is shown. */
export function stateForError(e: ApiError): SearchState {
  if (e.code === 'key_missing' || e.code === 'key_refused') return { kind: 'needs_key', message: e.message };
  if (UNREACHABLE.has(e.code)) return { kind: 'offline', message: e.message };
  return { kind: 'error', message: e.message };
}

export type SearchFn = (provider: Provider, query: string, request: number) => Promise<SearchAnswer>;

export interface Timers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const DEBOUNCE_MS = 300;
/** Shorter queries match too much to be useful. */
export const MIN_QUERY = 2;

export class SearchSession {
  private request = 0;
  private timer: unknown = null;

  constructor(
    private readonly search: SearchFn,
    private readonly onState: (s: SearchState) => void,
    private readonly timers: Timers = realTimers,
    private readonly delay = DEBOUNCE_MS,
  ) {}

  /** The query or provider changed: search after a pause. */
  input(provider: Provider, query: string): void {
    this.cancel();
    const q = query.trim();
    if (q.length < MIN_QUERY) {
      this.onState({ kind: 'idle' });
      return;
    }
    this.onState({ kind: 'searching' });
    this.timer = this.timers.set(() => {
      this.timer = null;
      void this.run(provider, q);
    }, this.delay);
  }

  /** Forget any pending or running search (dialog closed, query cleared). */
  cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    // Any answer still on its way is now stale.
    this.request++;
  }

  private async run(provider: Provider, query: string): Promise<void> {
    const mine = ++this.request;
    try {
      const answer = await this.search(provider, query, mine);
      if (answer.request !== this.request || mine !== this.request) return;
      this.onState({ kind: 'results', results: answer.results });
    } catch (e) {
      if (mine !== this.request) return;
      const err = toApiError(e);
      // Superseded by a newer search: that one will report.
      if (err.code === 'cancelled') return;
      this.onState(stateForError(err));
    }
  }
}
