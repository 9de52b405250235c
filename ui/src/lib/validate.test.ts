import { describe, expect, it } from 'vitest';
import {
  dedupe,
  emptyFacts,
  emptyFields,
  fieldForMessage,
  validateAddForm,
  validateEntryFields,
  validateFactsForm,
  type AddForm,
} from './validate';

const TODAY = new Date(2025, 0, 15);

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

describe('validateAddForm', () => {
  it('builds the new entry for Soundtrack #2', () => {
    const r = validateAddForm(soundtrack, TODAY);
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
    expect(r.value.title).toMatchObject({
      name: 'Soundtrack #2',
      original_name: '사운드트랙 #2',
      kind: 'series',
      year: 2023,
      country: 'KR',
      episodes: 6,
    });
    expect(r.value.fields).toMatchObject({ status: 'plan_to_watch', platform: 'Disney+', progress: 0, rating: null });
  });

  it('needs a title', () => {
    const r = validateAddForm({ ...soundtrack, title: '   ' }, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.title).toMatch(/name/);
  });

  it('points at each bad field', () => {
    const r = validateAddForm({ ...soundtrack, year: '23a', country: 'KOR', episodes: '0' }, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(Object.keys(r.errors).sort()).toEqual(['country', 'episodes', 'year']);
      expect(r.errors.country).toMatch(/two-letter/);
    }
  });

  it('refuses years far in the future or before cinema', () => {
    expect(validateAddForm({ ...soundtrack, year: '2031' }, TODAY).ok).toBe(false);
    expect(validateAddForm({ ...soundtrack, year: '2030' }, TODAY).ok).toBe(true);
    expect(validateAddForm({ ...soundtrack, year: '1500' }, TODAY).ok).toBe(false);
  });

  it('leaves optional fields empty', () => {
    const r = validateAddForm(
      { ...soundtrack, originalTitle: ' ', year: '', country: '', episodes: '', platform: '' },
      TODAY,
    );
    if (!r.ok) throw new Error('refused');
    expect(r.value.title.original_name).toBeNull();
    expect(r.value.title.year).toBeNull();
    expect(r.value.title.country).toBeNull();
    expect(r.value.title.episodes).toBeNull();
    expect(r.value.fields.platform).toBeNull();
  });

  it('gives a film one episode', () => {
    const r = validateAddForm({ ...soundtrack, kind: 'film', episodes: '' }, TODAY);
    if (!r.ok) throw new Error('refused');
    expect(r.value.title.episodes).toBe(1);
  });
});

describe('validateFactsForm', () => {
  it('keeps facts the form does not show', () => {
    const base = { ...emptyFacts(), name: 'Old', synopsis: 'kept', runtime_minutes: 50 };
    const r = validateFactsForm(
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
      TODAY,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.synopsis).toBe('kept');
    expect(r.value.runtime_minutes).toBe(50);
    expect(r.value.network).toBe('Disney+');
    expect(r.value.genres).toEqual(['Music', 'Romance']);
    expect(r.value.people).toHaveLength(1);
  });
});

describe('validateEntryFields', () => {
  it('refuses progress past the last episode and a finish before the start', () => {
    const f = { ...emptyFields('watching'), progress: 7, started_on: '2023-12-27', finished_on: '2023-12-20' };
    const errors = validateEntryFields(f, 6);
    expect(errors.progress).toMatch(/6 episodes/);
    expect(errors.dates).toMatch(/before/);
  });

  it('accepts a good entry', () => {
    expect(validateEntryFields({ ...emptyFields('completed'), progress: 6 }, 6)).toEqual({});
    expect(validateEntryFields({ ...emptyFields(), progress: 60 }, null)).toEqual({});
  });
});

describe('fieldForMessage', () => {
  it('routes backend messages to fields', () => {
    expect(fieldForMessage("'8.3' is not a rating on the 10-point scale")).toBe('rating');
    expect(fieldForMessage('progress 7 is past the last episode (6)')).toBe('progress');
    expect(fieldForMessage('the finish date is before the start date')).toBe('dates');
    expect(fieldForMessage('database error: disk I/O error')).toBeNull();
  });
});

describe('dedupe', () => {
  it('keeps the first spelling', () => {
    expect(dedupe(['Music', 'music', 'Drama'])).toEqual(['Music', 'Drama']);
  });
});
