import { describe, expect, it } from 'vitest';
import type { EntrySummary } from './bindings/EntrySummary';
import type { ListPage } from './bindings/ListPage';
import { RowWindow, columnsFor, type PageRequest } from './rowWindow';

function row(id: number): EntrySummary {
  return { id, name: `Title ${id}` } as EntrySummary;
}

/** A listing of `n` rows with ids 0…n-1, recording every request. */
function backend(n: number, size: number) {
  const requests: PageRequest[] = [];
  const fetch = async (r: PageRequest): Promise<ListPage> => {
    requests.push(r);
    const start = r.cursor !== null ? Number(r.cursor) : r.offset;
    const rows = Array.from({ length: Math.max(0, Math.min(size, n - start)) }, (_, i) => row(start + i));
    const next = start + rows.length;
    return { rows, next_cursor: next < n ? String(next) : null };
  };
  return { fetch, requests };
}

describe('RowWindow', () => {
  it('asks only for the pages under the visible rows', async () => {
    const b = backend(1000, 10);
    const w = new RowWindow(() => {}, () => {}, 10);
    w.reset(b.fetch);
    await w.ensure(0, 25);
    expect(b.requests).toEqual([
      { cursor: null, offset: 0 },
      { cursor: null, offset: 10 },
      { cursor: null, offset: 20 },
    ]);
    expect(w.get(24)?.id).toBe(24);
    expect(w.get(30)).toBeUndefined();
  });

  it('continues from a loaded page with its cursor, and jumps with an offset', async () => {
    const b = backend(1000, 10);
    const w = new RowWindow(() => {}, () => {}, 10);
    w.reset(b.fetch);
    await w.ensure(0, 10);
    await w.ensure(10, 20);
    await w.ensure(500, 505);
    expect(b.requests.slice(1)).toEqual([
      { cursor: '10', offset: 10 },
      { cursor: null, offset: 500 },
    ]);
    expect(w.get(503)?.id).toBe(503);
  });

  it('never asks twice for a page, nor past the end', async () => {
    const b = backend(15, 10);
    const w = new RowWindow(() => {}, () => {}, 10);
    w.reset(b.fetch);
    await Promise.all([w.ensure(0, 5), w.ensure(0, 5)]);
    await w.ensure(0, 15);
    expect(w.end).toBe(15);
    await w.ensure(0, 100);
    expect(b.requests.length).toBe(2);
  });

  it('drops answers to a listing that has since changed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const old = async (): Promise<ListPage> => {
      await gate;
      return { rows: [row(666)], next_cursor: null };
    };
    const w = new RowWindow(() => {}, () => {}, 10);
    w.reset(old);
    const pending = w.ensure(0, 1);
    w.reset(backend(5, 10).fetch);
    await w.ensure(0, 1);
    release();
    await pending;
    expect(w.get(0)?.id).toBe(0);
  });

  it('keeps the rows on screen during a refresh until fresh ones arrive', async () => {
    const w = new RowWindow(() => {}, () => {}, 10);
    w.reset(backend(5, 10).fetch);
    await w.ensure(0, 5);
    w.reset(async () => ({ rows: [row(42)], next_cursor: null }), true);
    expect(w.get(0)?.id).toBe(0);
    expect(w.isFresh(0)).toBe(false);
    await w.ensure(0, 1);
    expect(w.get(0)?.id).toBe(42);
    expect(w.isFresh(0)).toBe(true);
  });

  it('reports a failed page once and does not retry it until reset', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const w = new RowWindow(() => {}, (e) => errors.push(e), 10);
    w.reset(async () => {
      calls++;
      throw new Error('the library file is locked');
    });
    await w.ensure(0, 5);
    await w.ensure(0, 5);
    expect(calls).toBe(1);
    expect(errors.length).toBe(1);
  });
});

describe('columnsFor', () => {
  it('fits as many minimum-width cards as the width holds', () => {
    expect(columnsFor(0, 140, 16)).toBe(1);
    expect(columnsFor(139, 140, 16)).toBe(1);
    expect(columnsFor(140 * 5 + 16 * 4, 140, 16)).toBe(5);
    expect(columnsFor(140 * 5 + 16 * 4 - 1, 140, 16)).toBe(4);
  });
});
