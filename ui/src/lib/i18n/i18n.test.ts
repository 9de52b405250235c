import { afterEach, describe, expect, it } from 'vitest';
import { locale, setLanguage, t } from './index';
import { formatCount, progressText, STATUS_LABELS } from '../format';

afterEach(() => setLanguage('en'));

describe('t', () => {
  it('chooses the plural form by the language’s own rules', () => {
    setLanguage('en');
    expect(t('common:episodesShort', { count: 1 })).toBe('1 ep');
    expect(t('common:episodesShort', { count: 2 })).toBe('2 eps');
    expect(t('common:episodesShort', { count: 12345 })).toBe('12,345 eps');
  });

  it('switches every message and format with the language', () => {
    setLanguage('ko');
    expect(locale()).toBe('ko');
    expect(STATUS_LABELS.watching).toBe('보는 중');
    expect(progressText(3, null)).toBe('3화');
    setLanguage('pt-BR');
    expect(STATUS_LABELS.completed).toBe('Concluído');
    expect(formatCount(100000)).toBe('100.000');
  });

  it('follows the system for no choice or one it does not know', () => {
    setLanguage('ja', null);
    setLanguage(null);
    expect(locale()).toBe('en');
    setLanguage(null, 'zh-Hant');
    expect(locale()).toBe('zh-Hant');
    setLanguage('xx');
    expect(locale()).toBe('zh-Hant');
    setLanguage(null, 'tlh');
    expect(locale()).toBe('en');
  });
});
