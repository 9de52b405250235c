/**
 * The English messages, one file per part of the app. English is the
 * source: its shape types every `t()` key, and the other languages are
 * held to it by `catalog.test.ts`. Register a new namespace here.
 */
import common from './locales/en/common.json';
import app from './locales/en/app.json';
import library from './locales/en/library.json';
import filters from './locales/en/filters.json';
import sidebar from './locales/en/sidebar.json';

export const en = {
  common,
  app,
  library,
  filters,
  sidebar,
};

export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];
