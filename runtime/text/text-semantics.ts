// Small text rules every policy implementation shares, so that the interpreter and generated
// code cannot disagree on them: what a word character is (whole-word keywords), how long a
// message is (`length over N`), and which web addresses a message's text carries (`link`; those
// without a scheme are found by bare-links.ts).
// spec/runtime.md states each rule and why.

import { bareLinksInText } from './bare-links.ts';
import { isMark } from './normalize-steps.ts';
import { codePointBefore, codePointLength } from './utf16.ts';

export { codePointBefore } from './utf16.ts';

/**
 * A word character for whole-word keywords: a letter or mark of an alphabetic script (Latin,
 * Greek, Cyrillic; full-width Latin letters included), a decimal digit, or `_`. CJK characters
 * are not word characters, so `中文sex中文` still matches `sex` while `Essex` does not.
 */
const WORD = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}_\uFF3F]$/u;

export function isWordChar(cp: string): boolean {
  return WORD.test(cp);
}

/** The code point that starts at `i` in `text` ('' at the end). */
export function codePointAt(text: string, i: number): string {
  if (i >= text.length) return '';
  const c = text.codePointAt(i)!;
  return String.fromCodePoint(c);
}

/**
 * True when a match of [start, end) in `text` stands as a whole word on the sides that need it:
 * the character before `start` (skipping combining marks back to their base) and the character
 * at `end` must not be word characters. `open*` sides (a `*` in the keyword) need no boundary.
 */
export function isWholeWord(text: string, start: number, end: number, openStart: boolean, openEnd: boolean): boolean {
  if (!openStart) {
    let i = start;
    let cp = codePointBefore(text, i);
    while (cp !== '' && isMark(cp)) {
      i -= cp.length;
      cp = codePointBefore(text, i);
    }
    if (cp !== '' && isWordChar(cp)) return false;
  }
  if (!openEnd) {
    const cp = codePointAt(text, end);
    if (cp !== '' && (isWordChar(cp) || isMark(cp))) return false;
  }
  return true;
}

/**
 * Splits a keyword into its `*` marks and its text: a `*` at the start or the end is a wildcard
 * (the keyword may be part of a longer word on that side; it matters for whole-word keywords); a
 * `*` anywhere else, or a keyword that is `*` alone, is a literal character.
 */
export function keywordCore(text: string): { core: string; openStart: boolean; openEnd: boolean } {
  let core = text;
  const openStart = core.length > 1 && core.startsWith('*');
  if (openStart) core = core.slice(1);
  const openEnd = core.length > 1 && core.endsWith('*');
  if (openEnd) core = core.slice(0, -1);
  return { core, openStart, openEnd };
}

/** The length of a message for `length over N`: Unicode code points of the original text. */
export function textLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    i += codePointLength(text, i) - 1;
    n++;
  }
  return n;
}

/** A web address found in a message's text, with its UTF-16 span. */
export interface TextLink {
  link: string;
  start: number;
  end: number;
}

// `http://` or `https://` (any case) and the characters a URL may hold (RFC 3986), then
// sentence punctuation at the end trimmed: `see https://a.cn/x.` links to `https://a.cn/x`.
// A URL ends at the first other character, so Chinese text right after an address ends it.
const URL_IN_TEXT = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;
const TRAILING = /[.,;:!?'")\]]+$/;

/** Every `http://` or `https://` address in a text, in order. */
export function schemeLinksInText(text: string): TextLink[] {
  const out: TextLink[] = [];
  if (!text.includes('://')) return out;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const link = m[0].replace(TRAILING, '');
    if (link.length > link.indexOf('://') + 3) out.push({ link, start: m.index, end: m.index + link.length });
  }
  return out;
}

// A text can hold an address without a scheme only where a letter or digit, a dot of some kind
// and a letter follow one another (the end of a host: `evil.cn`, `evil。cn`).
const MAY_HOLD_BARE_LINK = /[A-Za-z0-9\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A-][.\u3002\uFF0E\uFF61][A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]/;

/** False when `linksInText(text)` is surely empty: a cheap test before the search. */
export function textMayHoldLinks(text: string): boolean {
  return text.includes('://') || MAY_HOLD_BARE_LINK.test(text);
}

/**
 * Every web address in a text, in order of start: `http://` and `https://` addresses, and
 * addresses written without a scheme (`www.evil.cn/abc`, `evil。cn`, `t.cn/x`: bare-links.ts).
 */
export function linksInText(text: string): TextLink[] {
  const withScheme = schemeLinksInText(text);
  if (!MAY_HOLD_BARE_LINK.test(text)) return withScheme;
  const bare = bareLinksInText(text, withScheme);
  if (bare.length === 0) return withScheme;
  return [...withScheme, ...bare].sort((a, b) => a.start - b.start);
}
