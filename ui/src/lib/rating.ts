/**
 * Ratings are stored 0–100 and shown in the user's scale. The core owns the
 * arithmetic: `rating_table` hands over every value a scale can show with
 * its label, and which of them each stored value is shown as. This module
 * only looks things up in that table, so the UI and the CLI can never
 * disagree about what 85 looks like in stars.
 */
import { api } from './api';
import type { RatingScale } from './bindings/RatingScale';
import type { RatingTable } from './bindings/RatingTable';
import { t } from './i18n';

export type RatingStep = RatingTable['steps'][number];

const tables = new Map<RatingScale, Promise<RatingTable>>();

/** The table for `scale`, asked of the core once; a failed ask is asked again next time. */
export function loadRatingTable(scale: RatingScale): Promise<RatingTable> {
  let table = tables.get(scale);
  if (!table) {
    const asked = api.ratingTable(scale);
    asked.catch(() => {
      if (tables.get(scale) === asked) tables.delete(scale);
    });
    tables.set(scale, asked);
    table = asked;
  }
  return table;
}

/** The step a stored value is shown as (84 is 4 stars), or null for no rating. */
export function stepOf(stored: number | null | undefined, table: RatingTable): RatingStep | null {
  if (stored == null) return null;
  const index = table.step_of[stored];
  return index === undefined ? null : table.steps[index];
}

/** "8.5", "4.5", "85": the label of the step `stored` is shown as; "" without a rating or a table yet. */
export function formatRating(stored: number | null | undefined, table: RatingTable | null): string {
  return table ? (stepOf(stored, table)?.label ?? '') : '';
}

/** "8.5 / 10", "4.5 / 5 stars", "85 / 100". */
export function ratingLabel(stored: number | null | undefined, table: RatingTable): string {
  const step = stepOf(stored, table);
  if (!step) return t('rating:notRated');
  return table.scale === '5'
    ? t('rating:ofStars', { value: step.label, max: table.max_label })
    : `${step.label} / ${table.max_label}`;
}

export type ParsedRating = { ok: true; value: number | null } | { ok: false; error: string };

/**
 * Reads a rating typed in the table's scale: the text must be one of the
 * scale's labels ("8.5", "4.5", "85"; a comma may be the decimal mark).
 * Empty text means no rating. The advice is the UI's own words for the
 * scale, in the shown language (the table's `hint` is the core's English).
 */
export function parseRating(text: string, table: RatingTable): ParsedRating {
  const typed = text.trim().replace(',', '.');
  if (typed === '') return { ok: true, value: null };
  const step = table.steps.find((s) => s.label === typed);
  return step ? { ok: true, value: step.stored } : { ok: false, error: t(`rating:enter.${table.scale}`) };
}
