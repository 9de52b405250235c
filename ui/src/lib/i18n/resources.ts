/**
 * The English messages, one file per part of the app. English is the
 * source: its shape types every `t()` key, and the other languages are
 * held to it by `catalog.test.ts`. Register a new namespace here.
 */
import common from './locales/en/common.json';
import add from './locales/en/add.json';
import entry from './locales/en/entry.json';
import catalog from './locales/en/catalog.json';
import rating from './locales/en/rating.json';

export const en = {
  common,
  add,
  entry,
  catalog,
  rating,
};

export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];
