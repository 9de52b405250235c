import { describe, expect, it } from 'vitest';
import { t } from './i18n';
import { slotArgs, splitSlots } from './messageParts';

describe('splitSlots', () => {
  it('cuts a formatted message where its controls go, in the message’s order', () => {
    const slots = ['tvmaze', 'license'] as const;
    const text = `Show data from ${slotArgs(slots).tvmaze}, licensed under ${slotArgs(slots).license}.`;
    expect(splitSlots(text, slots)).toEqual([
      { text: 'Show data from ' },
      { slot: 'tvmaze' },
      { text: ', licensed under ' },
      { slot: 'license' },
      { text: '.' },
    ]);
  });

  it('follows a language that puts the controls the other way round', () => {
    const slots = ['a', 'b'] as const;
    const args = slotArgs(slots);
    expect(splitSlots(`${args.b}の${args.a}`, slots)).toEqual([{ slot: 'b' }, { text: 'の' }, { slot: 'a' }]);
  });

  it('works on a real catalogue message', () => {
    const slots = ['tmdb'] as const;
    const parts = splitSlots(t('catalog:about.tmdb', slotArgs(slots)), slots);
    expect(parts).toEqual([
      { text: 'This product uses the ' },
      { slot: 'tmdb' },
      { text: ' API but is not endorsed or certified by TMDB.' },
    ]);
  });
});
