// Punctuation a Chinese input method types where the language wants ASCII: `，` `、` `：` `；`
// `｛` `｝` `（…）`, a full-width space, and quotes other than the straight double quote (`“…”`,
// `‘…’`, `「…」`, `'…'`). Each is explained once, with the edit that repairs it, and read as
// what the author meant (`，` as `,`, `“加微信”` as `"加微信"`), so that the parser does not go on
// to report errors that only follow from it. Strings and comments are left alone: there, such
// characters are text.
//
// Every character replaced is one UTF-16 unit and is replaced by one, so the text the lexer reads
// has the same offsets as the file: tokens, ranges and edits need no mapping.

/** One piece of punctuation to repair: where, what to say, and the edits (offsets in the text). */
export interface ImeProblem {
  code: 'hush/syntax/full-width-punctuation' | 'hush/syntax/wrong-quotes';
  message: string;
  help: string;
  start: number;
  end: number;
  /** The fix; `safe` when it keeps exactly what the author meant. */
  fix?: { title: string; edits: { start: number; end: number; newText: string }[]; safe: boolean };
}

export interface ImeReading {
  /** The text as the lexer should read it (the same length as the input). */
  text: string;
  problems: ImeProblem[];
}

/** Full-width or ideographic punctuation and the ASCII the language wants instead. */
const PUNCTUATION: Record<string, { name: string; ascii: string; help: string }> = {
  '，': { name: 'full-width comma `，`', ascii: ',', help: 'separate items with an ASCII comma `,` (switch the input method to half-width punctuation)' },
  '、': { name: 'ideographic comma `、`', ascii: ',', help: 'separate items with an ASCII comma `,` (switch the input method to half-width punctuation)' },
  '：': { name: 'full-width colon `：`', ascii: ':', help: 'use an ASCII colon `:` (switch the input method to half-width punctuation)' },
  '｛': { name: 'full-width brace `｛`', ascii: '{', help: 'use an ASCII brace `{`' },
  '｝': { name: 'full-width brace `｝`', ascii: '}', help: 'use an ASCII brace `}`' },
  '；': { name: 'full-width semicolon `；`', ascii: ' ', help: 'a statement ends at the end of its line: remove the semicolon' },
  '\u3000': { name: 'full-width space', ascii: ' ', help: 'use an ASCII space' },
};

/** Quotes that open a string the author meant, each with the quotes that may close it. */
const OPENERS: Record<string, string> = {
  '“': '“”"＂',
  '”': '“”"＂',
  '‘': '‘’\'',
  '’': '‘’\'',
  '「': '」',
  '『': '』',
  '＂': '＂"“”',
  "'": "'",
};

/** Any character this file looks at: most texts have none, and are not scanned. */
const ANY = /[，、：；｛｝（）\u3000“”‘’「『＂']/;

const quoteName = (open: string, close: string) =>
  open === "'" ? 'single quotes' : '「『'.includes(open) ? `corner brackets \`${open}…${close}\`` : `curly quotes \`${open}…${close}\``;

function lineEnd(text: string, i: number): number {
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Where a string that starts at `i + 1` and may end at one of `closers` ends (-1: not on its line). */
function closeOf(text: string, i: number, closers: string): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\n' || c === '\r') return -1;
    if (c === '\\' && j + 1 < text.length && text[j + 1] !== '\n' && text[j + 1] !== '\r') j++;
    else if (closers.includes(c)) return j;
  }
  return -1;
}

/** Reads `text` the way the author meant it; `problems` is empty (and `text` unchanged) for ASCII punctuation. */
export function readImePunctuation(text: string): ImeReading {
  const problems: ImeProblem[] = [];
  if (!ANY.test(text)) return { text, problems };
  let chars: string[] | undefined;
  const put = (i: number, c: string) => {
    chars ??= text.split('');
    chars[i] = c;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      i = lineEnd(text, i) - 1;
    } else if (c === '"') {
      const j = closeOf(text, i, '"');
      i = j < 0 ? lineEnd(text, i) - 1 : j;
    } else if (OPENERS[c] !== undefined) {
      const j = closeOf(text, i, OPENERS[c]);
      if (j < 0 && c === "'") continue; // an apostrophe alone: the lexer reports it
      const close = j < 0 ? '' : text[j];
      const edits = [{ start: i, end: i + 1, newText: '"' }];
      if (j >= 0 && close !== '"') edits.push({ start: j, end: j + 1, newText: '"' });
      put(i, '"');
      if (j >= 0) put(j, '"');
      problems.push({
        code: 'hush/syntax/wrong-quotes',
        message: j < 0 ? `string opened with \`${c}\`` : `${quoteName(c, close)} around a string`,
        help: 'a string goes between straight double quotes `"…"` (switch the input method to half-width punctuation)',
        start: i,
        end: j < 0 ? i + 1 : j + 1,
        fix: { title: 'use straight double quotes `"`', edits, safe: true },
      });
      i = j < 0 ? lineEnd(text, i) - 1 : j;
    } else if (c === '（') {
      // A remark in parentheses: not part of the language. Read as blank; as a comment when it ends the line.
      const j = closeOf(text, i, '）');
      const end = j < 0 ? i + 1 : j + 1;
      for (let k = i; k < end; k++) put(k, ' ');
      const rest = text.slice(end, lineEnd(text, end));
      const remark = text.slice(i + 1, end - 1).trim();
      const p: ImeProblem = {
        code: 'hush/syntax/full-width-punctuation',
        message: j < 0 ? 'full-width parenthesis `（`' : `remark in full-width parentheses \`${text.slice(i, end).slice(0, 30)}\``,
        help: 'parentheses are not part of the policy language: write a remark as a `#` comment at the end of the line',
        start: i,
        end,
      };
      if (j >= 0 && remark !== '' && /^[ \t]*(#.*)?$/.test(rest) && !remark.includes('\\')) {
        p.fix = { title: 'make the remark a comment', edits: [{ start: i, end: end + rest.length, newText: `# ${remark}${rest.trim() === '' ? '' : ` ${rest.trim().replace(/^#\s*/, '')}`}` }], safe: false };
      }
      problems.push(p);
      i = end - 1;
    } else if (c === '）') {
      put(i, ' ');
      problems.push({
        code: 'hush/syntax/full-width-punctuation',
        message: 'full-width parenthesis `）`',
        help: 'parentheses are not part of the policy language: write a remark as a `#` comment at the end of the line',
        start: i,
        end: i + 1,
      });
    } else if (PUNCTUATION[c] !== undefined) {
      const p = PUNCTUATION[c];
      put(i, p.ascii);
      const next = text[i + 1];
      // A full-width comma stands for a comma and a space: `"a"，"b"` becomes `"a", "b"`.
      const spaced = p.ascii === ',' && next !== undefined && !/\s/.test(next);
      const newText = c === '；' ? (next === undefined || /[\s#]/.test(next) ? '' : ' ') : spaced ? ', ' : p.ascii;
      const title = c === '；' ? 'remove the semicolon' : c === '\u3000' ? 'use an ASCII space' : `use \`${p.ascii}\``;
      problems.push({
        code: 'hush/syntax/full-width-punctuation',
        message: p.name,
        help: p.help,
        start: i,
        end: i + 1,
        fix: { title, edits: [{ start: i, end: i + 1, newText }], safe: true },
      });
    }
  }
  return { text: chars ? chars.join('') : text, problems };
}
