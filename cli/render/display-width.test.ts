import { describe, expect, it } from 'vitest';
import { codePointWidth, stringWidth } from './display-width.ts';

const w = (ch: string) => codePointWidth(ch.codePointAt(0)!);

describe('display width', () => {
  it('counts ASCII and Latin letters as one column', () => {
    expect(w('a')).toBe(1);
    expect(w('é')).toBe(1);
    expect(stringWidth('keywords')).toBe(8);
  });

  it('counts CJK, kana, hangul, full-width forms and emoji as two columns', () => {
    for (const ch of ['加', '微', '信', '，', '。', 'か', 'カ', '한', 'Ａ', '　', '😀', '𠀀']) expect([ch, w(ch)]).toEqual([ch, 2]);
    expect(stringWidth('加微信')).toBe(6);
    expect(stringWidth('"优惠券"')).toBe(8);
  });

  it('counts combining marks and invisible joiners as nothing', () => {
    expect(w('\u0301')).toBe(0);
    expect(w('\u200d')).toBe(0);
    expect(w('\ufeff')).toBe(0);
    expect(stringWidth('e\u0301')).toBe(1);
  });

  it('counts the neighbours of the wide ranges as one column', () => {
    expect(codePointWidth(0x10ff)).toBe(1);
    expect(codePointWidth(0x1160)).toBe(1);
    expect(codePointWidth(0xff61)).toBe(1); // half-width katakana punctuation
    expect(codePointWidth(0x4dc0)).toBe(1); // Yijing hexagram symbols sit between two wide blocks
  });
});
