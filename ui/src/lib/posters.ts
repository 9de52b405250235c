/**
 * Background poster fetching after a title is added: the grid shows the
 * placeholder at once and the real poster once it is cached, without ever
 * waiting. A failed download is recorded by the backend (Settings › Posters
 * lists it with the reason), so nothing is shown here.
 */
import { api } from './api';
import { app } from './state.svelte';

export function fetchPosterSoon(entryId: number, posterUrl: string | null | undefined): void {
  if (!posterUrl) return;
  api
    .fetchPosters([entryId], false, () => {})
    .then((s) => {
      if (s.fetched > 0) app.changed();
    })
    .catch(() => {});
}
