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

/** Writes a value as a literal that reads back to the same value. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}
