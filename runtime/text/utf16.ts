// UTF-16 surrogate rules, in one place for every part of the runtime that walks text by code
// point: the reference normaliser, the matcher's fast normaliser and its scanner, and the text
// rules the interpreter and generated code share (runtime/text/text-semantics.ts).

/** True for a high (leading) surrogate code unit, U+D800 to U+DBFF. */
export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** True for a low (trailing) surrogate code unit, U+DC00 to U+DFFF. */
export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True for any surrogate code unit, U+D800 to U+DFFF. */
export function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff;
}

/** The code point of a surrogate pair. */
export function pairCodePoint(high: number, low: number): number {
  return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
}

/** The length in UTF-16 units of the code point at `i`: 2 for a surrogate pair, else 1. */
export function codePointLength(text: string, i: number): number {
  return isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
}

/** The code point that ends just before `i` in `text`, as a string ('' at the start). */
export function codePointBefore(text: string, i: number): string {
  if (i <= 0) return '';
  if (i >= 2 && isLowSurrogate(text.charCodeAt(i - 1)) && isHighSurrogate(text.charCodeAt(i - 2))) return text.slice(i - 2, i);
  return text.slice(i - 1, i);
}
