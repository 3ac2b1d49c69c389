// Reading and writing string literals. Escapes (documented in spec/language.md): \" \\ \/ \n
// \r \t \b \f, \uXXXX (UTF-16 code unit) and \u{X…} (code point). Any other escape is an error
// that leaves the backslash's character in place.

export interface EscapeError {
  /** Offset of the backslash within the literal's image (0 is the opening quote). */
  offset: number;
  length: number;
  message: string;
}

const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** Unescapes a literal image such as `"a\"b"`; the closing quote may be missing. */
export function unescapeString(image: string): { value: string; errors: EscapeError[] } {
  const errors: EscapeError[] = [];
  const end = image.length > 1 && image.endsWith('"') && !isEscapedQuote(image) ? image.length - 1 : image.length;
  let out = '';
  let i = 1;
  while (i < end) {
    const c = image[i];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const n = image[i + 1];
    if (n === undefined || i + 1 >= end) {
      errors.push({ offset: i, length: 1, message: 'a backslash ends the string' });
      break;
    }
    if (n in simple) {
      out += simple[n];
      i += 2;
    } else if (n === 'u' && image[i + 2] === '{') {
      const close = image.indexOf('}', i + 3);
      const hex = close === -1 ? '' : image.slice(i + 3, close);
      const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(cp) || cp > 0x10ffff) {
        errors.push({ offset: i, length: close === -1 ? 2 : close - i + 1, message: 'bad code point escape' });
        i += 2;
      } else {
        out += String.fromCodePoint(cp);
        i = close + 1;
      }
    } else if (n === 'u') {
      const hex = image.slice(i + 2, i + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        errors.push({ offset: i, length: 2, message: 'bad unicode escape, expected four hex digits' });
        i += 2;
      }
    } else {
      errors.push({ offset: i, length: 2, message: `unknown escape \`\\${n}\`` });
      out += n;
      i += 2;
    }
  }
  return { value: out, errors };
}

/** True when the final quote of the image is itself escaped (`"abc\"`). */
function isEscapedQuote(image: string): boolean {
  let n = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/**
 * Characters a literal always writes as an escape, so that the text shows every character the
 * value holds (`hush fmt` never turns an escape into a character a reader cannot see): controls
 * (C0, DEL and C1, `\p{Cc}`), the line and paragraph separators, and the format characters
 * (`\p{Cf}`), among them every bidi control (U+061C, U+200E, U+200F, U+202A–202E,
 * U+2066–2069), which reorder what a reader sees, and the invisible ones: the soft hyphen, U+180E,
 * zero-width space, non-joiner and joiner (also inside emoji sequences), word joiner and
 * invisible operators (U+2060–2064), the byte order mark, the tag characters. Also invisible
 * though not format characters: the combining grapheme joiner U+034F and the Hangul fillers
 * U+115F, U+1160, U+3164, U+FFA0. Lone surrogates are escaped as code units.
 */
export const ALWAYS_ESCAPED = /[\p{Cc}\p{Cf}\u2028\u2029\u034f\u115f\u1160\u3164\uffa0]/u;

/**
 * Variation selectors (U+FE00–FE0F, U+180B–180F, U+E0100–E01EF) choose how the character before
 * them looks: after a character written as itself that they can modify (an emoji, `❤️`; an
 * ideograph, its variant) they stay raw, anywhere else (at the start, after a space, an escape or
 * another selector) they only hide, and are escaped.
 */
const VARIATION_SELECTOR = /\p{Variation_Selector}/u;
const SELECTABLE = /[\p{Emoji}\p{Ideographic}]/u;

function escapeCodePoint(cp: number): string {
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : '\\u' + cp.toString(16).padStart(4, '0');
}

/** Writes a value as a literal that reads back to the same value. */
export function quoteString(value: string): string {
  let out = '"';
  // The character written just before, when it was written as itself (a selector may follow it).
  let rawBefore = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    let raw = '';
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if ((cp >= 0xd800 && cp <= 0xdfff) || ALWAYS_ESCAPED.test(ch)) out += escapeCodePoint(cp);
    else if (VARIATION_SELECTOR.test(ch) && !(rawBefore && SELECTABLE.test(rawBefore))) out += escapeCodePoint(cp);
    else if (VARIATION_SELECTOR.test(ch)) out += ch;
    else out += raw = ch;
    rawBefore = raw;
  }
  return out + '"';
}
