/** Whether the export dialog is open; the sidebar opens it. */
class ExportDialogState {
  open = $state(false);
}

export const exportDialog = new ExportDialogState();
