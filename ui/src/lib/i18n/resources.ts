/**
 * The English messages, one file per part of the app. English is the
 * source: its shape types every `t()` key, and the other languages are
 * held to it by `catalog.test.ts`. Register a new namespace here.
 */
import common from './locales/en/common.json';
import lists from './locales/en/lists.json';
import upnext from './locales/en/upnext.json';
import calendar from './locales/en/calendar.json';
import airing from './locales/en/airing.json';

export const en = {
  common,
  lists,
  upnext,
  calendar,
  airing,
};

export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];
