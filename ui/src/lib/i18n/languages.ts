/**
 * The languages the UI speaks, each named in itself for the picker, and
 * how a system language ("ko-KR", "zh-TW", "pt-PT") maps onto one of them.
 */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ko', name: '한국어' },
  { code: 'ja', name: '日本語' },
  { code: 'zh-Hans', name: '简体中文' },
  { code: 'zh-Hant', name: '繁體中文' },
  { code: 'es', name: 'Español' },
  { code: 'pt-BR', name: 'Português (Brasil)' },
  { code: 'id', name: 'Bahasa Indonesia' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

export const FALLBACK: Language = 'en';

export function isLanguage(code: string | null | undefined): code is Language {
  return LANGUAGES.some((l) => l.code === code);
}

/**
 * The UI language for a BCP 47 tag from the system. Chinese picks its
 * script from the tag (or the region that implies it); Portuguese of any
 * region gets the Brazilian translation, the only one there is.
 */
export function matchLanguage(tag: string | null | undefined): Language {
  if (!tag) return FALLBACK;
  // POSIX locales ("ko_KR.UTF-8") reach the webview as-is on some systems.
  const clean = tag.replace(/[.@].*$/, '').replace(/_/g, '-');
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(clean);
  } catch {
    return FALLBACK;
  }
  const lang = locale.language.toLowerCase();
  if (lang === 'zh') {
    const script = locale.maximize().script;
    return script === 'Hant' ? 'zh-Hant' : 'zh-Hans';
  }
  if (lang === 'pt') return 'pt-BR';
  if (lang === 'in') return 'id';
  return isLanguage(lang) ? lang : FALLBACK;
}
