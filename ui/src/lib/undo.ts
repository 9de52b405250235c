/**
 * "Undo" on the toast that confirms a change: the core keeps the step, the
 * toast holds its id, and the button or Ctrl/Cmd+Z (outside a text field)
 * hands it back to the core.
 */
import { api } from './api';
import type { UndoStep } from './bindings/UndoStep';
import { t } from './i18n';
import { toasts } from './toasts.svelte';

/** Whether an element takes typing, where Ctrl/Cmd+Z is its own undo. */
export function isTextField(el: EventTarget | null): boolean {
  const e = el as HTMLElement | null;
  if (!e || typeof e.tagName !== 'string') return false;
  if (e.isContentEditable) return true;
  if (e.tagName === 'TEXTAREA' || e.tagName === 'SELECT') return true;
  if (e.tagName !== 'INPUT') return false;
  const type = (e as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** Ctrl+Z (Cmd+Z on a Mac), without Shift or Alt, outside a text field. */
export function isUndoKey(ev: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'target'>): boolean {
  return (
    (ev.ctrlKey || ev.metaKey) && !ev.shiftKey && !ev.altKey && ev.key.toLowerCase() === 'z' && !isTextField(ev.target)
  );
}

/** Shows `message` with an Undo button that takes `step` back, then calls `after`. */
export function offerUndo(message: string, step: UndoStep, after: () => void): void {
  offerAction(message, async () => {
    await api.undo(step.id);
    toasts.show(t('bulk:undo.done'));
    after();
  });
}

/** Shows `message` with an Undo button running `undo`; its refusal is shown as an error. */
export function offerAction(message: string, undo: () => Promise<void>): void {
  toasts.withAction(message, {
    label: t('bulk:undo.action'),
    run: async () => {
      try {
        await undo();
      } catch (e) {
        toasts.error(e);
      }
    },
  });
}
