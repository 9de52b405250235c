/**
 * Which control takes the keyboard when a dialog opens. The browser would
 * pick the first focusable element, the header's close button, so typing
 * right after opening went nowhere. The rule instead: the control marked
 * `data-autofocus`, else the first form field, else the first other
 * control (a confirmation's first button, its safe choice), and never the
 * close button. The choice is pure; `focusInitial` reads it off the DOM.
 */

export interface FocusCandidate {
  /** Marked `data-autofocus` by the dialog's content. */
  autofocus: boolean;
  /** Something typed or picked in: a text field, a select, a checkbox. */
  field: boolean;
  /** The dialog's own close button. */
  close: boolean;
}

/** The candidate to focus, from the focusable controls in document order. */
export function initialFocus<T extends FocusCandidate>(controls: readonly T[]): T | null {
  const open = controls.filter((c) => !c.close);
  return open.find((c) => c.autofocus) ?? open.find((c) => c.field) ?? open[0] ?? null;
}

const FOCUSABLE = 'a[href], button, input, select, textarea, [contenteditable], [tabindex]:not([tabindex="-1"])';
/** Inputs that act as buttons rather than take a value. */
const BUTTON_INPUTS = new Set(['button', 'submit', 'reset', 'image', 'hidden']);

function isField(el: HTMLElement): boolean {
  if (el instanceof HTMLInputElement) return !BUTTON_INPUTS.has(el.type);
  return el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement || el.isContentEditable;
}

/** Focuses the control `initialFocus` picks among `root`'s visible, enabled ones. */
export function focusInitial(root: HTMLElement): void {
  const controls = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)]
    .filter((el) => !el.matches(':disabled') && el.getClientRects().length > 0)
    .map((el) => ({
      el,
      autofocus: el.hasAttribute('data-autofocus'),
      field: isField(el),
      close: el.hasAttribute('data-dialog-close'),
    }));
  initialFocus(controls)?.el.focus();
}

/** `use:takeFocus`: a form that opens on a click takes the keyboard in its first field. */
export function takeFocus(node: HTMLElement): void {
  node.focus();
}
