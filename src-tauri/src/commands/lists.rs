//! The user's lists: the sidebar's lists, a list's page, and putting
//! entries on lists from the editor, a card's menu or a selection. Every
//! rule (names, positions, what a reorder must name) is the core's; these
//! only carry its answers and its errors.

use tauri::State;
use watchlog_core::{ListDetail, ListPatch, ListPut, ListSummary, NewList};

use crate::error::{Arg, CommandResult};
use crate::state::AppState;

/// Every list, by name, with how many entries each holds.
#[tauri::command]
pub async fn lists(state: State<'_, AppState>) -> CommandResult<Vec<ListSummary>> {
    Ok(state.reader()?.lists()?)
}

/// The lists an entry is on, by name.
#[tauri::command]
pub async fn lists_of_entry(
    state: State<'_, AppState>,
    entry: i64,
) -> CommandResult<Vec<ListSummary>> {
    Ok(state.reader()?.lists_of_entry(entry)?)
}

/// A list's page: the list, its description rendered, its items in order.
#[tauri::command]
pub async fn list_detail(state: State<'_, AppState>, list: i64) -> CommandResult<ListDetail> {
    Ok(state.reader()?.list_detail(list)?)
}

#[tauri::command]
pub async fn create_list(
    state: State<'_, AppState>,
    list: Arg<NewList>,
) -> CommandResult<ListSummary> {
    Ok(state.library()?.create_list(&list.get()?)?)
}

/// Renames a list, changes its description or whether it is ranked: only
/// the keys the patch names.
#[tauri::command]
pub async fn update_list(
    state: State<'_, AppState>,
    list: i64,
    patch: Arg<ListPatch>,
) -> CommandResult<ListSummary> {
    Ok(state.library()?.update_list(list, &patch.get()?)?)
}

/// Deletes a list; its entries stay in the library.
#[tauri::command]
pub async fn delete_list(state: State<'_, AppState>, list: i64) -> CommandResult<()> {
    Ok(state.library()?.delete_list(list)?)
}

/// Puts an entry on a list, at the end or at `position` (1 is the top).
#[tauri::command]
pub async fn put_on_list(
    state: State<'_, AppState>,
    list: i64,
    entry: i64,
    position: Option<u32>,
) -> CommandResult<ListDetail> {
    Ok(state.library()?.put_on_list(list, entry, None, position)?)
}

/// Puts several entries at the end of a list (a selection in the library);
/// the answer says how many were on it already.
#[tauri::command]
pub async fn put_entries_on_list(
    state: State<'_, AppState>,
    list: i64,
    entries: Vec<i64>,
) -> CommandResult<ListPut> {
    Ok(state.library()?.put_entries_on_list(list, &entries)?)
}

/// Changes the note of an entry on a list; `null` (or blank) removes it.
#[tauri::command]
pub async fn set_list_note(
    state: State<'_, AppState>,
    list: i64,
    entry: i64,
    note: Option<String>,
) -> CommandResult<ListDetail> {
    Ok(state
        .library()?
        .put_on_list(list, entry, Some(note), None)?)
}

/// Takes an entry off a list; the entry stays in the library.
#[tauri::command]
pub async fn take_from_list(
    state: State<'_, AppState>,
    list: i64,
    entry: i64,
) -> CommandResult<ListDetail> {
    Ok(state.library()?.take_from_list(list, entry)?)
}

/// Puts a list's entries in `order`, the whole new order (a drag or a
/// keyboard move on the list's page sends every id once).
#[tauri::command]
pub async fn reorder_list(
    state: State<'_, AppState>,
    list: i64,
    order: Vec<i64>,
) -> CommandResult<ListDetail> {
    Ok(state.library()?.reorder_list(list, &order)?)
}
