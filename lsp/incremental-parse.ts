// Reparsing only what changed. An editor sends the whole text on every keystroke, and parsing a
// 5,000-line policy takes a few hundred milliseconds; but a keystroke changes one declaration.
// Strings and comments never span lines, so every line start is a token boundary, and a line
// that starts (in column 1) with `rule "` or `ladder "` can only begin a top-level declaration
// (the one exception, a category named `rule` written on the line after `category`, is
// detected). The text is cut before such lines into chunks; each chunk is parsed on its own
// and its result kept, keyed by its text, so the next parse reuses every chunk that did not
// change and shifts its positions (lines and offsets; columns stay, since chunks start at line
// starts) to where the chunk now stands.
//
// For a file without syntax errors the result is the whole-file parse exactly (the test holds
// every example and conformance case to that); with errors, recovery inside one chunk cannot
// reach past its end, so messages after a broken block may differ slightly from `hush check`'s.
// YAML files are parsed whole.
import type { PolicyFile } from '../language/ast.ts';
import type { Diagnostic } from '../language/diagnostic.ts';
import { LineIndex } from '../language/line-index.ts';
import { parsePolicy, type ParseResult } from '../language/text-to-ast.ts';
import { NAMED_BLOCK_STARTERS } from '../language/tokens.ts';
import { parseYamlPolicy } from '../language/yaml-to-ast.ts';

interface Chunk {
  text: string;
  /** Offset and 0-based line where the chunk starts in the file. */
  offset: number;
  line: number;
}

const BLOCK_START = new RegExp(`^(?:${NAMED_BLOCK_STARTERS.join('|')})[ \\t]+"`, 'gm');

/** Cuts a policy text before every line that starts a `rule` or `ladder` declaration. */
export function chunksOf(text: string): Chunk[] {
  const cuts = [0];
  BLOCK_START.lastIndex = 0;
  for (let m = BLOCK_START.exec(text); m; m = BLOCK_START.exec(text)) {
    if (m.index === 0) continue;
    // Only after `\n`: the pattern's `^` also matches after a lone `\r` or U+2028, which Hush
    // does not count as a line break (a chunk must start where a Hush line starts).
    if (text.charCodeAt(m.index - 1) !== 10) continue;
    // `category` followed by a newline and `rule "label"` is a category named `rule`.
    if (/(?:^|[\s{}])category\s*$/.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    cuts.push(m.index);
  }
  const chunks: Chunk[] = [];
  let line = 0;
  for (let i = 0; i < cuts.length; i++) {
    const start = cuts[i];
    const end = i + 1 < cuts.length ? cuts[i + 1] : text.length;
    const chunkText = text.slice(start, end);
    chunks.push({ text: chunkText, offset: start, line });
    for (let j = chunkText.indexOf('\n'); j !== -1; j = chunkText.indexOf('\n', j + 1)) line++;
  }
  return chunks;
}

/** A deep copy of AST data with every position moved by `lines` lines and `offset` units. */
function shifted<T>(value: T, lines: number, offset: number): T {
  if (Array.isArray(value)) return value.map((v) => shifted(v, lines, offset)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if (typeof o.line === 'number' && typeof o.column === 'number' && typeof o.offset === 'number') {
    return { line: o.line + lines, column: o.column, offset: o.offset < 0 ? o.offset : o.offset + offset } as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in o) out[k] = shifted(o[k], lines, offset);
  return out as T;
}

interface Parsed {
  result: ParseResult;
  /** The same result moved to where the chunk stood last time. */
  at?: { line: number; offset: number; result: ParseResult };
}

export class IncrementalParser {
  /** Per file, the parsed chunks of its last parse, by chunk text. */
  private readonly files = new Map<string, Map<string, Parsed>>();

  /** Chunks parsed (not reused) since the parser was made: for the tests and the benchmark. */
  parsedChunks = 0;

  /** Parses one file, reusing the chunks of its previous parse; same contract as `parsePolicy`. */
  readonly parse = (text: string, file: string, form: 'policy' | 'yaml'): ParseResult => {
    if (form === 'yaml') return parseYamlPolicy(text, file);
    const before = this.files.get(file) ?? new Map<string, Parsed>();
    const now = new Map<string, Parsed>();
    const declarations: PolicyFile['declarations'] = [];
    const comments: PolicyFile['comments'] = [];
    const diagnostics: Diagnostic[] = [];
    for (const c of chunksOf(text)) {
      let p = now.get(c.text) ?? before.get(c.text);
      if (!p) {
        p = { result: parsePolicy(c.text, file) };
        this.parsedChunks++;
      }
      now.set(c.text, p);
      let r = p.result;
      if (c.line !== 0 || c.offset !== 0) {
        if (!p.at || p.at.line !== c.line || p.at.offset !== c.offset) {
          p.at = { line: c.line, offset: c.offset, result: shifted(p.result, c.line, c.offset) };
        }
        r = p.at.result;
      }
      declarations.push(...r.ast.declarations);
      comments.push(...r.ast.comments);
      diagnostics.push(...r.diagnostics);
    }
    this.files.set(file, now);
    const lines = new LineIndex(text);
    const ast: PolicyFile = { file, form: 'policy', declarations, comments, range: lines.range(0, text.length) };
    return { ast, diagnostics };
  };

  /** Forgets a file's chunks (when it is closed or deleted). */
  forget(file: string): void {
    this.files.delete(file);
  }
}
