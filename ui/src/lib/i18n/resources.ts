/**
 * The English messages, one file per part of the app. English is the
 * source: its shape types every `t()` key, and the other languages are
 * held to it by `catalog.test.ts`. Register a new namespace here.
 */
import common from './locales/en/common.json';
import add from './locales/en/add.json';
import airing from './locales/en/airing.json';
import app from './locales/en/app.json';
import bulk from './locales/en/bulk.json';
import calendar from './locales/en/calendar.json';
import catalog from './locales/en/catalog.json';
import desktop from './locales/en/desktop.json';
import drop from './locales/en/drop.json';
import entry from './locales/en/entry.json';
import exportNs from './locales/en/export.json';
import filters from './locales/en/filters.json';
import importNs from './locales/en/import.json';
import library from './locales/en/library.json';
import lists from './locales/en/lists.json';
import match from './locales/en/match.json';
import palette from './locales/en/palette.json';
import rating from './locales/en/rating.json';
import review from './locales/en/review.json';
import settings from './locales/en/settings.json';
import sidebar from './locales/en/sidebar.json';
import stats from './locales/en/stats.json';
import upnext from './locales/en/upnext.json';

export const en = {
  common,
  add,
  airing,
  app,
  bulk,
  calendar,
  catalog,
  desktop,
  drop,
  entry,
  export: exportNs,
  filters,
  import: importNs,
  library,
  lists,
  match,
  palette,
  rating,
  review,
  settings,
  sidebar,
  stats,
  upnext,
};

export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];
