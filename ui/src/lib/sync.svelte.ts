/**
 * Sync with the user's other computers: on start, every few minutes while
 * the app is open, and on "Sync now". One sync runs at a time; what it
 * brought in refreshes the views. The app also syncs by itself a moment
 * after another device's change file arrives in the folder (its watcher,
 * `sync_watch.rs`), and what that brought in refreshes them the same way.
 * The rules are the core's; this only decides when to ask.
 */
import { api, onSynced } from './api';
import type { SyncReport } from './bindings/SyncReport';
import type { SyncStatus } from './bindings/SyncStatus';
import { app } from './state.svelte';

/** How often a linked library syncs while the app is open. */
const EVERY_MS = 5 * 60 * 1000;

class SyncState {
  status = $state<SyncStatus | null>(null);
  running = $state(false);
  last = $state<SyncReport | null>(null);
  error = $state<unknown>(null);
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopListening: (() => void) | null = null;

  async refresh(): Promise<void> {
    this.status = await api.syncStatus();
  }

  /** Syncs now unless a sync is running; errors are kept for the section to show. */
  async run(): Promise<SyncReport | null> {
    if (this.running) return null;
    this.running = true;
    try {
      const report = await api.syncNow();
      this.#done(report);
      return report;
    } catch (e) {
      this.error = e;
      throw e;
    } finally {
      this.running = false;
      await this.refresh().catch(() => {});
    }
  }

  /** A sync ran, here or by the app's watcher: refresh what it changed. */
  #done(report: SyncReport): void {
    this.last = report;
    this.error = null;
    if (report.files_in > 0) app.changed();
  }

  /** On start: read the status, sync once if linked, then on a timer. */
  async start(): Promise<void> {
    try {
      await this.refresh();
    } catch {
      return;
    }
    this.#stopListening ??= onSynced((report) => {
      this.#done(report);
      void this.refresh().catch(() => {});
    });
    if (this.status?.linked) await this.run().catch(() => {});
    this.#timer ??= setInterval(() => {
      if (this.status?.linked) void this.run().catch(() => {});
    }, EVERY_MS);
  }
}

export const sync = new SyncState();
