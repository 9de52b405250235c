import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, api, setTransport, toApiError } from './api';

afterEach(() => setTransport(null));

describe('toApiError', () => {
  it('keeps the backend payload', () => {
    const e = toApiError({ code: 'not_found', message: 'there is no entry with id 9' });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('not_found');
    expect(e.message).toBe('there is no entry with id 9');
    expect(e.field).toBeUndefined();
  });

  it('keeps the choices a needs_choice error offers', () => {
    const e = toApiError({
      code: 'needs_choice',
      message: 'ViewingActivity.csv holds the viewing of 2 profiles',
      field: 'profile',
      choices: ['Ana', 'Ben'],
    });
    expect(e.field).toBe('profile');
    expect(e.choices).toEqual(['Ana', 'Ben']);
    expect(toApiError({ code: 'not_found', message: 'x' }).choices).toBeUndefined();
  });

  it('keeps the field an error is about', () => {
    const e = toApiError({ code: 'invalid_input', message: '1500 is not a plausible year', field: 'year' });
    expect(e.field).toBe('year');
  });

  it('wraps strings, errors and junk', () => {
    expect(toApiError('command list_page not found').message).toBe('command list_page not found');
    expect(toApiError(new TypeError('boom')).code).toBe('app');
    expect(toApiError(undefined).message).toMatch(/went wrong/);
    expect(toApiError({ code: 1 }).code).toBe('app');
  });
});

describe('api', () => {
  it('sends camelCase arguments to the named command', async () => {
    const calls: Array<[string, unknown]> = [];
    setTransport(async <T,>(cmd: string, args?: Record<string, unknown>) => {
      calls.push([cmd, args]);
      return null as T;
    });
    await api.deleteViewing(7);
    await api.updatePlatform(2, 'Viki', true);
    await api.updateEntry(3, { rating: 85 });
    await api.previewEntry(3, { status: 'completed' });
    await api.ratingTable('5');
    expect(calls).toEqual([
      ['delete_viewing', { viewingId: 7 }],
      ['update_platform', { id: 2, name: 'Viki', subscribed: true }],
      ['update_entry', { id: 3, patch: { rating: 85 } }],
      ['preview_entry', { id: 3, patch: { status: 'completed' } }],
      ['rating_table', { scale: '5' }],
    ]);
  });

  it('rejects with ApiError', async () => {
    setTransport(async () => {
      throw { code: 'invalid_input', message: "'8.3' is not a rating" };
    });
    await expect(api.getEntry(1)).rejects.toMatchObject({ name: 'ApiError', code: 'invalid_input' });
  });
});
