import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import type { SearchAnswer } from './bindings/SearchAnswer';
import type { SearchResult } from './bindings/SearchResult';
import { SearchSession, stateForError, type SearchState, type Timers } from './catalogSearch';

function result(name: string): SearchResult {
  return {
    provider: 'tvmaze',
    provider_id: '1',
    name,
    original_name: null,
    year: 2023,
    country: 'KR',
    network: 'Disney+',
    kind: 'series',
    poster_thumb_url: null,
    summary: null,
  };
}

/** Timers run by hand, so tests decide when the pause in typing ends. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    set: (fn) => {
      pending.set(++next, fn);
      return next;
    },
    clear: (h) => void pending.delete(h as number),
  };
  const fire = () => {
    const fns = [...pending.values()];
    pending.clear();
    fns.forEach((f) => f());
  };
  return { timers, fire, pending };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SearchSession', () => {
  it('waits for a pause and searches only the last query', async () => {
    const asked: string[] = [];
    const states: SearchState[] = [];
    const { timers, fire } = manualTimers();
    const s = new SearchSession(
      async (_p, q, request) => {
        asked.push(q);
        return { request, results: [result(q)] };
      },
      (st) => states.push(st),
      timers,
    );
    s.input('tvmaze', 'so');
    s.input('tvmaze', 'soun');
    s.input('tvmaze', 'soundtrack ');
    fire();
    await tick();
    expect(asked).toEqual(['soundtrack']);
    expect(states.at(-1)).toEqual({ kind: 'results', results: [result('soundtrack')] });
  });

  it('drops an older answer that arrives after a newer query', async () => {
    const states: SearchState[] = [];
    const { timers, fire } = manualTimers();
    const resolvers: Array<(a: SearchAnswer) => void> = [];
    const s = new SearchSession(
      (_p, _q, request) =>
        new Promise<SearchAnswer>((resolve) => {
          resolvers.push((a) => resolve({ ...a, request }));
        }),
      (st) => states.push(st),
      timers,
    );
    s.input('tvmaze', 'robot');
    fire();
    s.input('tvmaze', 'robot chicken');
    fire();
    // The newer answer first, then the stale one.
    resolvers[1]({ request: 0, results: [result('Robot Chicken')] });
    await tick();
    resolvers[0]({ request: 0, results: [result('Mr. Robot')] });
    await tick();
    const shown = states.filter((st) => st.kind === 'results');
    expect(shown).toEqual([{ kind: 'results', results: [result('Robot Chicken')] }]);
  });

  it('says nothing for a cancelled search and goes idle for short queries', async () => {
    const states: SearchState[] = [];
    const { timers, fire, pending } = manualTimers();
    const s = new SearchSession(
      async () => {
        throw { code: 'cancelled', message: 'this search was cancelled' };
      },
      (st) => states.push(st),
      timers,
    );
    s.input('tvmaze', 'glory');
    fire();
    await tick();
    expect(states).toEqual([{ kind: 'searching' }]);
    s.input('tvmaze', 'g');
    expect(states.at(-1)).toEqual({ kind: 'idle' });
    expect(pending.size).toBe(0);
  });

  it('turns failures into offline, key and error states', () => {
    expect(stateForError(new ApiError('timeout', 'TVmaze did not answer in time')).kind).toBe('offline');
    expect(stateForError(new ApiError('offline', 'no connection')).kind).toBe('offline');
    expect(stateForError(new ApiError('key_missing', 'set a key')).kind).toBe('needs_key');
    expect(stateForError(new ApiError('key_refused', 'bad key')).kind).toBe('needs_key');
    expect(stateForError(new ApiError('invalid_input', 'type a title'))).toEqual({
      kind: 'error',
      message: 'type a title',
    });
  });
});
