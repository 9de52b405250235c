import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { dedupe, emptyFacts, factsOf, newEntryOf, placeErrors, typedNumber, type AddForm } from './forms';

const soundtrack: AddForm = {
  title: ' Soundtrack #2 ',
  originalTitle: '사운드트랙 #2',
  kind: 'series',
  year: '2023',
  country: 'kr',
  episodes: '6',
  platform: 'Disney+',
  status: 'plan_to_watch',
};

describe('typedNumber', () => {
  it('reads numbers, leaves empty as none and passes anything else on as typed', () => {
    expect(typedNumber(' 2023 ')).toBe(2023);
    expect(typedNumber('')).toBeNull();
    expect(typedNumber('  ')).toBeNull();
    // Not the UI's to judge: the backend refuses it and names the field.
    expect(typedNumber('23a')).toBe('23a');
    expect(typedNumber('-4')).toBe(-4);
  });
});

describe('newEntryOf', () => {
  it('builds the new entry for Soundtrack #2', () => {
    const e = newEntryOf(soundtrack);
    expect(e.title).toMatchObject({
      name: 'Soundtrack #2',
      original_name: '사운드트랙 #2',
      kind: 'series',
      year: 2023,
      country: 'kr',
      episodes: 6,
    });
    expect(e.fields).toMatchObject({ status: 'plan_to_watch', platform: 'Disney+', progress: 0, rating: null });
  });

  it('leaves optional fields empty', () => {
    const e = newEntryOf({ ...soundtrack, originalTitle: ' ', year: '', country: '', episodes: '', platform: '' });
    expect(e.title.original_name).toBeNull();
    expect(e.title.year).toBeNull();
    expect(e.title.country).toBeNull();
    expect(e.title.episodes).toBeNull();
    expect(e.fields.platform).toBeNull();
  });

  it('checks nothing itself', () => {
    const e = newEntryOf({ ...soundtrack, title: ' ', year: '1500', country: 'KOR', episodes: '0' });
    expect(e.title).toMatchObject({ name: '', year: 1500, country: 'KOR', episodes: 0 });
  });
});

describe('factsOf', () => {
  it('keeps facts the form does not show', () => {
    const base = { ...emptyFacts(), name: 'Old', synopsis: 'kept', runtime_minutes: 50 };
    const facts = factsOf(
      {
        kind: 'miniseries',
        name: 'Soundtrack #2',
        originalName: '',
        year: '2023',
        country: 'KR',
        episodes: '6',
        network: ' Disney+ ',
        genres: ['Music', 'music', ' Romance '],
        people: [
          { name: 'Jung Hye-seung', role: 'writer', character: null },
          { name: '  ', role: 'cast', character: null },
        ],
      },
      base,
    );
    expect(facts.synopsis).toBe('kept');
    expect(facts.runtime_minutes).toBe(50);
    expect(facts.network).toBe('Disney+');
    expect(facts.original_name).toBeNull();
    expect(facts.genres).toEqual(['Music', 'Romance']);
    expect(facts.people).toHaveLength(1);
  });
});

describe('placeErrors', () => {
  const controls = ['name', 'year', 'started_on', 'finished_on'] as const;

  it('puts each error beside its control, the first per control', () => {
    const placed = placeErrors(
      [
        { message: 'a title needs a name', field: 'name' },
        { message: 'the finish date 2023-12-20 is before the start date 2023-12-27', field: 'finished_on' },
        { message: 'the finish date is missing', field: 'finished_on' },
      ],
      controls,
    );
    expect(placed.at).toEqual({
      name: 'a title needs a name',
      finished_on: 'the finish date 2023-12-20 is before the start date 2023-12-27',
    });
    expect(placed.other).toEqual([]);
  });

  it('shows errors without a field, or with one the form lacks, by the button', () => {
    const placed = placeErrors(
      [new ApiError('database', 'disk I/O error'), new ApiError('invalid_input', 'bad language', 'language')],
      controls,
    );
    expect(placed.at).toEqual({});
    expect(placed.other).toEqual(['disk I/O error', 'bad language']);
  });
});

describe('dedupe', () => {
  it('keeps the first spelling', () => {
    expect(dedupe(['Music', 'music', 'Drama'])).toEqual(['Music', 'Drama']);
  });
});
