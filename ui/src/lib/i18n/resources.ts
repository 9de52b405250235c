/**
 * The English messages, one file per part of the app. English is the
 * source: its shape types every `t()` key, and the other languages are
 * held to it by `catalog.test.ts`. Register a new namespace here.
 */
import common from './locales/en/common.json';
import desktop from './locales/en/desktop.json';

export const en = {
  common,
  desktop,
};

export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];
