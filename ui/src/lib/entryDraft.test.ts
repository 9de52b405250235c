import { describe, expect, it } from 'vitest';
import type { EntryFields } from './bindings/EntryFields';
import { fieldsOf, isDirty, mergePreview, patchOf, rebase } from './entryDraft';
import { emptyFields } from './forms';

/** Soundtrack #2 half watched, as saved. */
const saved: EntryFields = {
  ...emptyFields('watching'),
  rating: 80,
  scores: { story: 90, acting: null, music: 100, rewatch_value: null },
  review: 'Songs and longing.',
  platform: 'Disney+',
  progress: 3,
  tags: ['music'],
  started_on: '2023-12-20',
};

describe('fieldsOf', () => {
  it('copies, so editing the draft leaves the entry alone', () => {
    const draft = fieldsOf(saved);
    draft.scores.story = 10;
    draft.tags.push('kdrama');
    expect(saved.scores.story).toBe(90);
    expect(saved.tags).toEqual(['music']);
  });
});

describe('patchOf', () => {
  it('is empty for an untouched draft', () => {
    expect(patchOf(saved, fieldsOf(saved))).toEqual({});
    expect(isDirty(saved, fieldsOf(saved))).toBe(false);
  });

  it('holds only the keys that changed', () => {
    const draft = { ...fieldsOf(saved), rating: 85, tags: ['music', 'kdrama'] };
    draft.scores.acting = 70;
    expect(patchOf(saved, draft)).toEqual({
      rating: 85,
      scores: { story: 90, acting: 70, music: 100, rewatch_value: null },
      tags: ['music', 'kdrama'],
    });
    expect(isDirty(saved, draft)).toBe(true);
  });

  it('sends cleared text as null', () => {
    const draft = { ...fieldsOf(saved), review: '  \n', platform: '', started_on: '', rating: null };
    expect(patchOf(saved, draft)).toEqual({ review: null, platform: null, started_on: null, rating: null });
  });

  it('keeps the words of a review as typed', () => {
    const draft = { ...fieldsOf(saved), review: '  Indented quote\n' };
    expect(patchOf(saved, draft)).toEqual({ review: '  Indented quote\n' });
  });

  it('does not count blank text over no text as a change', () => {
    const none = { ...saved, notes: null };
    const draft = { ...fieldsOf(none), notes: '' };
    expect(patchOf(none, draft)).toEqual({});
    expect(isDirty(none, draft)).toBe(false);
  });
});

describe('rebase', () => {
  it('takes the fresh entry where the user changed nothing, and keeps the edits', () => {
    const draft = { ...fieldsOf(saved), rating: 85, review: 'Better than I thought.' };
    // Meanwhile +1 episode (or the CLI) moved the progress and the rating.
    const next = { ...saved, progress: 4, rating: 70, notes: 'from the CLI' };
    const merged = rebase(saved, draft, next);
    expect(merged.progress).toBe(4);
    expect(merged.notes).toBe('from the CLI');
    expect(merged.rating).toBe(85);
    expect(merged.review).toBe('Better than I thought.');
    // Against the fresh entry only the user's own edits remain to save.
    expect(patchOf(next, merged)).toEqual({ rating: 85, review: 'Better than I thought.' });
  });

  it('keeps blank text typed over none as unchanged, so fresh text comes in', () => {
    const none = { ...saved, notes: null };
    const merged = rebase(none, { ...fieldsOf(none), notes: '' }, { ...none, notes: 'from the CLI' });
    expect(merged.notes).toBe('from the CLI');
  });
});

describe('mergePreview', () => {
  it('takes the dates and progress the status rules filled', () => {
    const sent = { ...fieldsOf(saved), status: 'completed' as const, rating: 85 };
    const preview = { ...sent, progress: 6, finished_on: '2024-01-02' };
    const merged = mergePreview(sent, fieldsOf(sent), preview);
    expect(merged).toEqual({ ...sent, progress: 6, finished_on: '2024-01-02' });
  });

  it('keeps what changed in the draft after the preview was asked for', () => {
    const sent = { ...fieldsOf(saved), status: 'completed' as const };
    // The user typed a finish date while the preview was on its way.
    const draft = { ...fieldsOf(sent), finished_on: '2023-12-31', review: 'typed meanwhile' };
    const preview = { ...sent, progress: 6, finished_on: '2024-01-02' };
    const merged = mergePreview(sent, draft, preview);
    expect(merged.finished_on).toBe('2023-12-31');
    expect(merged.progress).toBe(6);
    expect(merged.review).toBe('typed meanwhile');
  });

  it('takes nothing but the derived fields', () => {
    const sent = fieldsOf(saved);
    const preview = { ...sent, tags: ['Music'], notes: 'normalised' };
    expect(mergePreview(sent, fieldsOf(sent), preview)).toEqual(sent);
  });
});
