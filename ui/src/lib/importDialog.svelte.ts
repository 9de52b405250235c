/** Whether the import dialog is open; the sidebar opens it. */
class ImportDialogState {
  open = $state(false);
}

export const importDialog = new ImportDialogState();
