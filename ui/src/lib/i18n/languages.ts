/**
 * The languages the UI speaks, each named in itself for the picker. Which
 * one "the system's" is comes from the core (`system_language`), which
 * reads the desktop's locale; the core also checks a saved choice against
 * its own copy of this list, and a core test holds both to the locale
 * folders here.
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
