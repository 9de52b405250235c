/**
 * The UI's words in the viewer's language: i18next with ICU messages
 * (plural and select rules from the CLDR through `Intl`), every key typed
 * from the English files. `t()` reads the current language from a rune, so
 * whatever shows a message repaints when the language changes.
 */
import i18next, { type TFunction } from 'i18next';
import ICU from 'i18next-icu';
import { en, NAMESPACES, type Namespace } from './resources';
import { FALLBACK, isLanguage, type Language } from './languages';

export { LANGUAGES, type Language } from './languages';

const CACHE_KEY = 'watchlog.language';

/** Every language's files, bundled: they are small and switching is instant. */
const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', {
  eager: true,
  import: 'default',
});

function resourcesOf(): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = { en };
  for (const [path, messages] of Object.entries(files)) {
    const m = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!m || m[1] === 'en') continue;
    (out[m[1]] ??= {})[m[2]] = messages;
  }
  return out;
}

function cached(): Language | null {
  try {
    const v = localStorage.getItem(CACHE_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

const current = $state<{ lang: Language; choice: Language | null; system: Language }>({
  lang: FALLBACK,
  choice: null,
  system: FALLBACK,
});

/** The system's language as the core reads it; English until it answers. */
export function systemLanguage(): Language {
  return current.system;
}

void i18next.use(ICU).init({
  resources: resourcesOf(),
  ns: NAMESPACES,
  defaultNS: 'common',
  lng: cached() ?? FALLBACK,
  fallbackLng: FALLBACK,
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: false },
});
current.lang = (i18next.language as Language) ?? FALLBACK;

/** A message in the current language; `vars` fill its ICU arguments. */
const translate = i18next.t.bind(i18next) as unknown as (...args: unknown[]) => string;
export const t = ((...args: unknown[]) => {
  void current.lang; // a dependency, so callers repaint on a change
  return translate(...args);
}) as unknown as TFunction<Namespace[]>;

/** The language shown now (a BCP 47 tag, for `Intl` too). */
export function locale(): Language {
  return current.lang;
}

/** What the viewer picked in Settings; `null` follows the system. */
export function languageChoice(): Language | null {
  return current.choice;
}

/**
 * Shows the app in `choice`, or in the system's language for `null`
 * (`system`, when given, is the core's answer to what that is). The
 * language shown is cached so the next start paints in it before the
 * backend answers; the choice itself lives in the library's settings.
 */
export function setLanguage(choice: string | null, system?: string | null): void {
  if (system !== undefined) current.system = isLanguage(system) ? system : FALLBACK;
  const picked = isLanguage(choice) ? choice : null;
  const lang = picked ?? current.system;
  current.choice = picked;
  if (lang !== current.lang) {
    void i18next.changeLanguage(lang);
    current.lang = lang;
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  try {
    localStorage.setItem(CACHE_KEY, lang);
  } catch {
    // Storage may be off; the setting still holds for this run.
  }
}
