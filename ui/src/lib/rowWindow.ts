/**
 * The rows of one library listing, fetched a page at a time as the list
 * scrolls over them. Only pages under the visible part are ever asked for,
 * so a listing of 100,000 titles costs what the screen shows.
 *
 * A page after one already loaded continues from that page's cursor (the
 * backend seeks straight to it); a page reached by jumping (a dragged
 * scrollbar) starts at its offset instead. Answers that arrive after the
 * listing changed are dropped. Kept free of Svelte so it can be unit tested.
 */
import type { EntrySummary } from './bindings/EntrySummary';
import type { ListPage } from './bindings/ListPage';

export interface PageRequest {
  /** The previous page's `next_cursor`, when that page is loaded. */
  cursor: string | null;
  /** Rows before this page; used when there is no cursor. */
  offset: number;
}

export type FetchPage = (request: PageRequest) => Promise<ListPage>;

export class RowWindow {
  private pages = new Map<number, EntrySummary[]>();
  /** Pages of the listing before a refresh, shown until their new rows come. */
  private stale = new Map<number, EntrySummary[]>();
  private cursors = new Map<number, string | null>();
  private inflight = new Set<number>();
  /** Pages whose request failed: not asked again until the next reset. */
  private failed = new Set<number>();
  private generation = 0;
  private fetchPage: FetchPage | null = null;
  /** Row count, once a page has come back as the last one. */
  end: number | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly onError: (e: unknown) => void,
    readonly pageSize: number,
  ) {}

  /**
   * Starts a new listing. With `keepShown` (the same listing after an edit)
   * the rows already on screen stay until their fresh copies arrive, so
   * nothing flickers.
   */
  reset(fetchPage: FetchPage, keepShown = false): void {
    this.generation++;
    this.stale = keepShown ? new Map([...this.stale, ...this.pages]) : new Map();
    this.pages = new Map();
    this.cursors = new Map();
    this.inflight = new Set();
    this.failed = new Set();
    this.end = null;
    this.fetchPage = fetchPage;
  }

  get(index: number): EntrySummary | undefined {
    const p = Math.floor(index / this.pageSize);
    const page = this.pages.get(p) ?? this.stale.get(p);
    return page?.[index - p * this.pageSize];
  }

  /** Whether the rows of this index's page are the current listing's. */
  isFresh(index: number): boolean {
    return this.pages.has(Math.floor(index / this.pageSize));
  }

  /** Asks for every page overlapping rows `from` to `to` (exclusive) not yet loaded. */
  ensure(from: number, to: number): Promise<void> {
    const loads: Promise<void>[] = [];
    const first = Math.max(0, Math.floor(from / this.pageSize));
    const last = Math.floor((Math.max(from + 1, to) - 1) / this.pageSize);
    for (let p = first; p <= last; p++) {
      if (this.end !== null && p * this.pageSize >= this.end && p > 0) break;
      if (this.pages.has(p) || this.inflight.has(p) || this.failed.has(p)) continue;
      loads.push(this.load(p));
    }
    return Promise.all(loads).then(() => undefined);
  }

  private async load(p: number): Promise<void> {
    const fetchPage = this.fetchPage;
    if (!fetchPage) return;
    const generation = this.generation;
    const cursor = p > 0 ? (this.cursors.get(p - 1) ?? null) : null;
    this.inflight.add(p);
    try {
      const page = await fetchPage({ cursor, offset: p * this.pageSize });
      if (generation !== this.generation) return;
      this.pages.set(p, page.rows);
      this.cursors.set(p, page.next_cursor);
      this.stale.delete(p);
      if (page.next_cursor === null) this.end = p * this.pageSize + page.rows.length;
      this.onChange();
    } catch (e) {
      if (generation !== this.generation) return;
      this.failed.add(p);
      this.onError(e);
    } finally {
      if (generation === this.generation) this.inflight.delete(p);
    }
  }
}

/** Grid columns that fit `width` with cards at least `min` wide and `gap` apart. */
export function columnsFor(width: number, min: number, gap: number): number {
  if (!(width > 0)) return 1;
  return Math.max(1, Math.floor((width + gap) / (min + gap)));
}
