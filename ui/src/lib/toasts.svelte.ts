/** Short messages in the corner: errors from the backend, confirmations. */
import { toApiError } from './api';

export type ToastKind = 'info' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

let nextId = 1;

class Toasts {
  items = $state<Toast[]>([]);

  show(message: string, kind: ToastKind = 'info', ms = kind === 'error' ? 7000 : 3500): void {
    const id = nextId++;
    this.items.push({ id, kind, message });
    setTimeout(() => this.dismiss(id), ms);
  }

  error(e: unknown): void {
    this.show(toApiError(e).message, 'error');
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
