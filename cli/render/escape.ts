// How a string from a policy, a fixture, an event or a path is written into each output format,
// so that it shows as text and never as structure. Rule names, keywords, list entries, case
// names, event ids and file paths can hold any character (a quoted name, a YAML name, a JSON
// event); none of them may move the cursor, clear or recolour a terminal, reorder the text
// around it, start a line of its own, become a GitHub workflow command, or become Markdown or
// HTML in a pull-request comment. Every renderer and every command that writes such a string
// goes through one of these functions; JSON output needs nothing beyond JSON.stringify.
//
// The escapes are visible and keep the string recognisable: ESC is shown as `\u001b`, a line
// break as `\n`. A string without such characters is written as it is (the goldens of ordinary
// policies do not change). A backslash is not doubled, so `\n` in the output may also be a
// backslash and an `n` in the input: these functions make text safe to show, not reversible
// (the GitHub escapes are reversible by GitHub's own rules, see `githubData`).

/**
 * The characters a terminal, a CI log or a web view must never receive raw: C0 controls (line
 * breaks and ESC included), DEL, C1 controls, the line and paragraph separators, the bidirectional
 * marks, embeddings, overrides and isolates (Trojan Source), and the invisible format characters
 * that can hide or spoof text (zero-width space, word joiner and invisible operators, the
 * deprecated format characters, the byte order mark, the interlinear annotation marks). Zero-width
 * joiner and non-joiner (U+200C, U+200D) are left alone: emoji and several scripts need them.
 * Lone surrogates are escaped as well (they cannot be written as UTF-8).
 */
const FORMAT = '\\u007f-\\u009f\\u061c\\u180e\\u200b\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const unsafe = (c0: string) => new RegExp(`[${c0}${FORMAT}]|${LONE_SURROGATE}`, 'g');
const UNSAFE = unsafe('\\u0000-\\u001f');
/** The same characters except LF, for texts whose line breaks are Hush's own. */
const UNSAFE_BUT_LF = unsafe('\\u0000-\\u0009\\u000b-\\u001f');
/** The same characters except CR and LF, which GitHub's own escapes cover. */
const UNSAFE_BUT_CRLF = unsafe('\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\n`, `\r`, `\t`, else `\u` and four lower-case hex digits, as JSON writes it. */
function visible(ch: string): string {
  return NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * GitHub's runner reads `##[command]` anywhere in a log line (the legacy syntax) and
 * `::command::` at the start of a line after any blanks: both are broken up with a backslash.
 */
function defuseCommands(s: string): string {
  let out = s.includes('##[') ? s.replace(/##\[/g, '##\\[') : s;
  if (out.includes('::')) out = out.replace(/^(\s*)::/gm, '$1\\::');
  return out;
}

/**
 * A string on one line of a terminal or a CI log: every unsafe character as a visible escape,
 * workflow-command prefixes broken up. The result holds no character below U+0020, no DEL, no
 * C1 control and no bidirectional or invisible format character.
 */
export function terminalText(s: string): string {
  return defuseCommands(s.replace(UNSAFE, visible));
}

/**
 * A text whose line breaks are Hush's own (a message and its help): as `terminalText`, but LF
 * stays a line break. CR is escaped, so a line cannot be overwritten from its start.
 */
export function terminalLines(s: string): string {
  return defuseCommands(s.replace(UNSAFE_BUT_LF, visible));
}

/**
 * A SARIF `message.text`: plain text, shown by code-scanning views. Hush writes `text` only,
 * never `markdown`; line breaks between Hush's own lines stay, other controls and bidirectional
 * characters are escaped as in a terminal.
 */
export const sarifText = terminalLines;

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands (`::warning file=…,title=…::message`).

/**
 * The message part of a workflow command, escaped as @actions/core's `escapeData`
 * (packages/core/src/command.ts): `%` → `%25`, CR → `%0D`, LF → `%0A`. Other unsafe characters
 * are first written as visible escapes (the runner would pass them to the log raw), so the line
 * holds no control character at all. `unescapeGithubData` (the runner's rule) gives the input
 * back exactly when it has no such other characters.
 */
export function githubData(s: string): string {
  return defuseCommands(s.replace(UNSAFE_BUT_CRLF, visible))
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
}

/** A property value (`file=`, `title=`): as `githubData`, and `:` → `%3A`, `,` → `%2C` (@actions/core's `escapeProperty`). */
export function githubProperty(s: string): string {
  return githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** What the runner makes of a message part (ActionCommand.cs: `%0D`, `%0A`, then `%25`). */
export function unescapeGithubData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** What the runner makes of a property value. */
export function unescapeGithubProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

// ---------------------------------------------------------------------------------------------
// Markdown (the `hush diff -f markdown` pull-request comment, GitHub Flavored Markdown).

/**
 * A code span holding any text, on one line: unsafe characters (line breaks included) as
 * visible escapes, fenced with more backticks than the longest run inside, padded with a space
 * when the text starts or ends with a backtick. Inside a code span nothing is markup or HTML.
 * In a table cell pass the result through `markdownCell`, which escapes `|` (GFM splits cells
 * on `|` even inside code spans).
 */
export function markdownCode(s: string): string {
  const flat = terminalText(s);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((x) => x.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Characters that start inline Markdown outside a code span: emphasis, links and images, strikethrough, escapes. */
const INLINE = /[\\*_~[\]!]/g;

/**
 * Text outside code spans: no HTML (`&` and `<` as entities; a `>` alone opens nothing inside a
 * line, and Hush's wording uses `->`), no inline markup, no mention.
 */
function markdownPlain(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(INLINE, '\\$&')
    .replace(/@/g, '&#64;');
}

/**
 * Splits Markdown-ish text into plain runs and code spans as CommonMark does: a run of n
 * backticks opens a span that the next run of exactly n backticks closes; a run without a match
 * is plain text.
 */
function splitCodeSpans(s: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let plainFrom = 0;
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '`') {
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] === '`') j++;
    const n = j - i;
    // The closing run: exactly n backticks.
    let k = j;
    let close = -1;
    while (k < s.length) {
      if (s[k] !== '`') {
        k++;
        continue;
      }
      let m = k;
      while (m < s.length && s[m] === '`') m++;
      if (m - k === n) {
        close = k;
        break;
      }
      k = m;
    }
    if (close < 0) {
      i = j;
      continue;
    }
    if (i > plainFrom) parts.push({ code: false, text: s.slice(plainFrom, i) });
    parts.push({ code: true, text: s.slice(i, close + n) });
    i = close + n;
    plainFrom = i;
  }
  if (plainFrom < s.length) parts.push({ code: false, text: s.slice(plainFrom) });
  return parts;
}

/**
 * A line of Markdown text that may hold code spans (Hush's messages quote names in backticks):
 * on one line (unsafe characters as visible escapes), code spans kept as they are, the rest with
 * HTML and inline markup escaped, and unmatched backticks escaped. Hush's own wording has none of
 * the escaped characters, so its text is unchanged.
 */
export function markdownText(s: string): string {
  return splitCodeSpans(terminalText(s))
    .map((p) => (p.code ? p.text : markdownPlain(p.text).replace(/`/g, '\\`')))
    .join('');
}

/** A table cell: `markdownText`, and `|` escaped everywhere (GFM splits cells on it even in code spans). */
export function markdownCell(s: string): string {
  return markdownText(s).replace(/\|/g, '\\|');
}

// ---------------------------------------------------------------------------------------------
// XML (the JUnit report of `hush test -f junit`).

/**
 * XML 1.0 cannot hold most control characters at all, not even as character references, nor the
 * non-characters U+FFFE and U+FFFF: they are written as visible escapes first (as in a
 * terminal), then the markup characters as entities.
 */
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xmlMarkup = (s: string) => s.replace(/\ufffe|\uffff/g, visible).replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);

/** Element text: Hush's own line breaks stay; everything else that is unsafe becomes a visible escape. */
export function xmlText(s: string): string {
  return xmlMarkup(terminalLines(s));
}

/** An attribute value (between double quotes), on one line. */
export function xmlAttribute(s: string): string {
  return xmlMarkup(terminalText(s));
}
