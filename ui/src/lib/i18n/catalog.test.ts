/**
 * Holds every language to the English files: the same namespaces and keys,
 * messages that parse as ICU, the same arguments in each message, and no
 * English key that nothing in the app uses.
 */
import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { LANGUAGES } from './languages';

const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', {
  eager: true,
  import: 'default',
});
const sources = import.meta.glob<string>(['/src/**/*.ts', '/src/**/*.svelte', '!/src/**/*.test.ts'], {
  eager: true,
  query: '?raw',
  import: 'default',
});

type Messages = Map<string, string>;

function flatten(prefix: string, value: unknown, out: Messages): void {
  if (typeof value === 'string') {
    out.set(prefix, value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  } else {
    throw new Error(`${prefix} is neither a message nor a group`);
  }
}

/** language → "ns:key" → message */
function catalogs(): Map<string, Messages> {
  const out = new Map<string, Messages>();
  for (const [path, messages] of Object.entries(files)) {
    const m = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path)!;
    const lang = out.get(m[1]) ?? new Map<string, string>();
    flatten(`${m[2]}:`, messages, lang);
    // flatten() joins with '.', so the namespace's own separator is fixed here.
    out.set(
      m[1],
      new Map([...lang].map(([k, v]) => [k.replace(/^([^:]+):\./, '$1:'), v])),
    );
  }
  return out;
}

function argumentsOf(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) {
      out.add(el.value);
    } else if (el.type === TYPE.plural || el.type === TYPE.select) {
      out.add(el.value);
      for (const opt of Object.values(el.options)) argumentsOf(opt.value, out);
    } else if (el.type === TYPE.tag) {
      argumentsOf(el.children, out);
    }
  }
  return out;
}

const all = catalogs();
const english = all.get('en')!;

describe('the message catalogues', () => {
  it('has a folder for every language the picker offers, and no other', () => {
    expect([...all.keys()].sort()).toEqual(LANGUAGES.map((l) => l.code).sort());
  });

  for (const { code } of LANGUAGES.filter((l) => l.code !== 'en')) {
    it(`${code} has exactly the English keys`, () => {
      const theirs = all.get(code) ?? new Map();
      const missing = [...english.keys()].filter((k) => !theirs.has(k));
      const extra = [...theirs.keys()].filter((k) => !english.has(k));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });
  }

  for (const [code, messages] of all) {
    it(`${code} messages parse as ICU and keep the English arguments`, () => {
      const wrong: string[] = [];
      for (const [key, message] of messages) {
        let args: Set<string>;
        try {
          args = argumentsOf(parse(message, { ignoreTag: true }));
        } catch (e) {
          wrong.push(`${key}: does not parse (${String(e)})`);
          continue;
        }
        const source = english.get(key);
        if (source === undefined) continue;
        const want = argumentsOf(parse(source, { ignoreTag: true }));
        const a = [...args].sort().join(',');
        const b = [...want].sort().join(',');
        if (a !== b) wrong.push(`${key}: has {${a}}, English has {${b}}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('uses every English key somewhere in the app', () => {
    const text = Object.values(sources).join('\n');
    // Keys chosen at run time are written as a template: `common:status.${s}`.
    const prefixes = [...text.matchAll(/`([a-z][\w-]*:[\w.]*)\$\{/gi)].map((m) => m[1]);
    const unused = [...english.keys()].filter(
      (key) =>
        !text.includes(`'${key}'`) &&
        !text.includes(`"${key}"`) &&
        !text.includes(`\`${key}\``) &&
        !prefixes.some((p) => key.startsWith(p)),
    );
    expect(unused).toEqual([]);
  });
});
