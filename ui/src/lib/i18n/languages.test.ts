import { describe, expect, it } from 'vitest';
import { matchLanguage } from './languages';

describe('matchLanguage', () => {
  it('maps system tags onto the languages the UI speaks', () => {
    expect(matchLanguage('ko-KR')).toBe('ko');
    expect(matchLanguage('ko_KR.UTF-8')).toBe('ko');
    expect(matchLanguage('ja')).toBe('ja');
    expect(matchLanguage('zh-CN')).toBe('zh-Hans');
    expect(matchLanguage('zh-TW')).toBe('zh-Hant');
    expect(matchLanguage('zh-HK')).toBe('zh-Hant');
    expect(matchLanguage('zh-Hant')).toBe('zh-Hant');
    expect(matchLanguage('zh')).toBe('zh-Hans');
    expect(matchLanguage('pt-PT')).toBe('pt-BR');
    expect(matchLanguage('es-MX')).toBe('es');
    expect(matchLanguage('id-ID')).toBe('id');
  });

  it('falls back to English for what it does not speak or cannot read', () => {
    expect(matchLanguage('fr-FR')).toBe('en');
    expect(matchLanguage('C')).toBe('en');
    expect(matchLanguage('')).toBe('en');
    expect(matchLanguage(undefined)).toBe('en');
    expect(matchLanguage('not a tag!')).toBe('en');
  });
});
