/**
 * The *Needs a match* list and the background matching of imported shows:
 * the rows come from the core (`unmatched`), the run is the core's (started
 * after an import and by the app's background loop, or by "Match now"),
 * and its progress and end arrive as events. Nothing is decided here.
 */
import { listen } from '@tauri-apps/api/event';
import { api } from './api';
import type { CatalogRef } from './bindings/CatalogRef';
import type { MatchProgress } from './bindings/MatchProgress';
import type { MatchRun } from './bindings/MatchRun';
import type { Unmatched } from './bindings/Unmatched';
import { app } from './state.svelte';
import { toasts } from './toasts.svelte';
import { t } from './i18n';

class Matching {
  rows = $state<Unmatched[]>([]);
  /** The run in progress, as last heard; null when none runs. */
  progress = $state<MatchProgress | null>(null);
  running = $state(false);
  last = $state<MatchRun | null>(null);

  /** Rows that still need something: a try, or the viewer's pick. */
  get open(): number {
    return this.rows.filter((r) => r.state === 'waiting' || r.state === 'ambiguous').length;
  }

  async load(): Promise<void> {
    try {
      this.rows = await api.unmatched();
    } catch (e) {
      toasts.error(e);
    }
  }

  /** Loads the list and hears the background run; once, at start. */
  async listen(): Promise<void> {
    await this.load();
    try {
      await this.hear();
    } catch (e) {
      toasts.error(e);
    }
  }

  private async hear(): Promise<void> {
    // A media server's report was recorded (Settings › Media servers).
    await listen<string>('webhook-recorded', () => app.changed());
    await listen<MatchProgress>('match-progress', (e) => {
      this.running = true;
      this.progress = e.payload;
      if (e.payload.outcome === 'matched') app.entryChanged(false);
    });
    await listen<MatchRun>('match-done', (e) => {
      this.running = false;
      this.progress = null;
      this.last = e.payload;
      if (e.payload.matched > 0) app.changed();
      if (e.payload.offline) toasts.show(t('match:offline'));
      void this.load();
    });
  }

  async start(): Promise<void> {
    try {
      this.running = (await api.matchStart()) || this.running;
    } catch (e) {
      toasts.error(e);
    }
  }

  async cancel(): Promise<void> {
    try {
      await api.matchCancel();
    } catch (e) {
      toasts.error(e);
    }
  }

  async pick(id: number, show: CatalogRef): Promise<boolean> {
    try {
      const entry = await api.matchPick(id, show);
      toasts.show(t('match:picked', { name: entry.title.name }));
      app.changed();
      await this.load();
      return true;
    } catch (e) {
      toasts.error(e);
      return false;
    }
  }

  async keep(id: number): Promise<void> {
    try {
      await api.matchKeep(id);
      await this.load();
    } catch (e) {
      toasts.error(e);
    }
  }
}

export const matching = new Matching();
