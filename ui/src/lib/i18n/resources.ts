/**
 * The English messages, one file per part of the app. English is the
 * source: its shape types every `t()` key, and the other languages are
 * held to it by `catalog.test.ts`. Register a new namespace here.
 */
import common from './locales/en/common.json';
import airing from './locales/en/airing.json';
import app from './locales/en/app.json';
import calendar from './locales/en/calendar.json';
import drop from './locales/en/drop.json';
import filters from './locales/en/filters.json';
import library from './locales/en/library.json';
import lists from './locales/en/lists.json';
import palette from './locales/en/palette.json';
import sidebar from './locales/en/sidebar.json';
import upnext from './locales/en/upnext.json';

export const en = {
  common,
  airing,
  app,
  calendar,
  drop,
  filters,
  library,
  lists,
  palette,
  sidebar,
  upnext,
};

export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];
