/**
 * The UI's words in the viewer's language: i18next with ICU messages
 * (plural and select rules from the CLDR through `Intl`), every key typed
 * from the English files. `t()` reads the current language from a rune, so
 * whatever shows a message repaints when the language changes.
 */
import i18next, { type TFunction } from 'i18next';
import ICU from 'i18next-icu';
import { en, NAMESPACES, type Namespace } from './resources';
import { FALLBACK, isLanguage, matchLanguage, type Language } from './languages';

export { LANGUAGES, matchLanguage, type Language } from './languages';

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

/** The language the system asks for (the webview reports the OS locale). */
export function systemLanguage(): Language {
  return matchLanguage(typeof navigator === 'undefined' ? '' : navigator.language);
}

function cached(): Language | null {
  try {
    const v = localStorage.getItem(CACHE_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

const current = $state<{ lang: Language; choice: Language | null }>({
  lang: FALLBACK,
  choice: null,
});

void i18next.use(ICU).init({
  resources: resourcesOf(),
  ns: NAMESPACES,
  defaultNS: 'common',
  lng: cached() ?? systemLanguage(),
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
 * Shows the app in `choice`, or in the system's language for `null`.
 * The choice is cached so the next start paints in it before the backend
 * answers (the setting itself lives in the library's settings).
 */
export function setLanguage(choice: string | null): void {
  const picked = isLanguage(choice) ? choice : null;
  const lang = picked ?? systemLanguage();
  current.choice = picked;
  if (lang !== current.lang) {
    void i18next.changeLanguage(lang);
    current.lang = lang;
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  try {
    if (picked) localStorage.setItem(CACHE_KEY, picked);
    else localStorage.removeItem(CACHE_KEY);
  } catch {
    // Storage may be off; the setting still holds for this run.
  }
}
