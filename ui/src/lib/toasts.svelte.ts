/** Short messages in the corner: errors from the backend, confirmations, and "Undo". */
import { toApiError } from './api';

export type ToastKind = 'info' | 'error';
/** A button on a toast: pressing it (or Ctrl/Cmd+Z while it shows) runs `run` once. */
export interface ToastAction {
  label: string;
  run: () => void | Promise<void>;
}
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  action?: ToastAction;
}

let nextId = 1;

class Toasts {
  items = $state<Toast[]>([]);

  show(message: string, kind: ToastKind = 'info', ms = kind === 'error' ? 7000 : 3500, action?: ToastAction): void {
    const id = nextId++;
    this.items.push({ id, kind, message, action });
    setTimeout(() => this.dismiss(id), ms);
  }

  /** A confirmation with a button, shown long enough to reach the button. */
  withAction(message: string, action: ToastAction, ms = 8000): void {
    this.show(message, 'info', ms, action);
  }

  error(e: unknown): void {
    this.show(toApiError(e).message, 'error');
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** Runs a toast's action and takes the toast away, so it runs once. */
  act(id: number): void {
    const toast = this.items.find((t) => t.id === id);
    if (!toast?.action) return;
    this.dismiss(id);
    void toast.action.run();
  }

  /** The newest toast still showing with an action, for Ctrl/Cmd+Z. */
  latestAction(): Toast | undefined {
    return [...this.items].reverse().find((t) => t.action);
  }
}

export const toasts = new Toasts();
