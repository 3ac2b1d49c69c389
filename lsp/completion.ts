// Completion that knows where the cursor is. The grammar itself says what may come next:
// Chevrotain's `computeContentAssist` runs the parser over the tokens before the cursor and
// returns every token type that could follow, with the grammar rules it would be in. Keywords
// are offered as they are; where a name or a string is expected, the rule says which kind
// (a category after `record`, a normalisation step after `normalize`, a list-file path after
// `from`, an identity after `identity`, an owner after `super-admin`…) and the policy set
// supplies the values.
//
// Only the current declaration is fed to the parser: every line start is a token boundary
// (strings and comments never span lines), so the text is lexed from the last line that begins
// a top-level declaration. Inside a very long block, only the block's header and the current
// statement are fed, which gives the same answer in a fraction of the time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken, TokenType } from 'chevrotain';
import {
  CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem,
} from 'vscode-languageserver';
import { BUILTIN_CATEGORIES, NORMALIZE_STEPS } from '../language/builtins.ts';
import { LineIndex } from '../language/line-index.ts';
import { textToTokens } from '../language/text-to-tokens.ts';
import { parser } from '../language/tokens-to-cst.ts';
import { BLOCK_STARTERS, DECLARATION_STARTERS, KEYWORDS, kw, LCurly, STATEMENT_STARTERS, tokensOf } from '../language/tokens.ts';
import { availableProfiles } from '../compiler/load/limits-profile.ts';
import { policyFormOf } from '../compiler/load/discover-files.ts';
import type { PolicySetModel } from '../compiler/model/model.ts';
import { QUOTA_KINDS } from '../compiler/checks/quota.ts';
import { COMMON_DURATIONS, COMMON_IDENTITIES, wordDoc } from './hover-docs.ts';
import { spanToLsp, type PositionSource } from './to-lsp.ts';

export interface CompletionInput {
  text: string;
  offset: number;
  /** Converts offsets of `text` to LSP positions (the open TextDocument). */
  positions: PositionSource;
  /** The folder of the document, for list-file paths. */
  dir?: string;
  /** The checked model of the document's policy set, for names declared or seen there. */
  model?: PolicySetModel;
  snippets?: boolean;
}

/** Where the cursor is on its line: in a comment, in a string, or after a partial word. */
interface Cursor {
  /** Where the text fed to the parser ends: before the partial word or the open string. */
  cut: number;
  /** The offset just after the opening quote when the cursor is inside a string. */
  stringStart?: number;
  inComment: boolean;
}

const WORD_CHAR = /[A-Za-z0-9_-]/;

function cursorOf(text: string, offset: number): Cursor {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let quote = -1;
  for (let i = lineStart; i < offset; i++) {
    const c = text[i];
    if (quote >= 0) {
      if (c === '\\') i++;
      else if (c === '"') quote = -1;
    } else if (c === '"') quote = i;
    else if (c === '#') return { cut: offset, inComment: true };
  }
  if (quote >= 0) return { cut: quote, stringStart: quote + 1, inComment: false };
  let start = offset;
  while (start > lineStart && WORD_CHAR.test(text[start - 1])) start--;
  return { cut: start, inComment: false };
}

/** Lines that can only begin a top-level declaration (see incremental-parse.ts). */
const DECLARATION_LINE = /^(?:(?:rule|ladder)[ \t]+"|(?:enterprise|limits|exempt|category|quota)[ \t])/;

/** The start of the line where the declaration holding `offset` begins (0 if none). */
function declarationStart(text: string, offset: number): number {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  for (;;) {
    if (DECLARATION_LINE.test(text.slice(lineStart, lineStart + 12))) return lineStart;
    if (lineStart === 0) return 0;
    lineStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  }
}

/** Blocks longer than this many tokens are fed as header plus current statement. */
const LONG_BLOCK = 300;

const STATEMENT_STARTS = tokensOf(STATEMENT_STARTERS);

/** Words that begin a top-level declaration. */
const DECLARATION_STARTS = tokensOf(DECLARATION_STARTERS);

const BLOCK_STARTS = tokensOf(BLOCK_STARTERS);

/**
 * The tokens to feed: the whole declaration, or the header of a long block and its last
 * statement, or (a long run of top-level declarations) the last declaration.
 */
function window(tokens: IToken[]): IToken[] {
  if (tokens.length <= LONG_BLOCK) return tokens;
  const block = tokens[0] !== undefined && BLOCK_STARTS.has(tokens[0].tokenType);
  const header = tokens.length > 2 && block && tokens[2].tokenType === LCurly ? tokens.slice(0, 3) : [];
  for (let i = tokens.length - 1; i >= header.length; i--) {
    const t = tokens[i];
    const firstOnLine = i === 0 || tokens[i - 1].endLine !== t.startLine;
    const starters = header.length ? STATEMENT_STARTS : DECLARATION_STARTS;
    if (firstOnLine && starters.has(t.tokenType)) return [...header, ...tokens.slice(i)];
  }
  return tokens;
}

const wordOf = new Map<TokenType, string>(KEYWORDS.map((w) => [kw[w], w]));

function keywordItem(word: string, place: string | undefined): CompletionItem {
  const doc = wordDoc(word, place);
  const item: CompletionItem = { label: word, kind: CompletionItemKind.Keyword };
  if (doc) {
    item.detail = doc.syntax;
    item.documentation = { kind: MarkupKind.Markdown, value: `${doc.doc}\n\n(spec/language.md ${doc.see})` };
  }
  return item;
}

/** Files under `dir` that may be list files, as relative paths with `/`. */
function listFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string, depth: number) => {
    if (depth > 4 || out.length >= 1000) return;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(abs, e.name), r, depth + 1);
      else if (e.isFile() && !policyFormOf(e.name)) out.push(r);
    }
  };
  walk(dir, '', 0);
  return out;
}

/** Values the set already uses, for string completion. */
function seen(model: PolicySetModel | undefined) {
  const identities = new Set<string>(COMMON_IDENTITIES);
  const owners = new Set<string>();
  const managementRules = new Set<string>();
  const members = new Set<string>();
  for (const r of model?.rules ?? []) {
    for (const w of r.whens) if (w.trigger.type === 'identity') for (const i of w.trigger.identities) identities.add(i.value);
    for (const o of r.owners) {
      if (o.id) owners.add(o.id);
      if (o.role === 'member' && o.id) members.add(o.id);
      if (o.managementRule) managementRules.add(o.managementRule);
    }
  }
  for (const m of model?.personalBlacklists.keys() ?? []) members.add(m);
  return { identities, owners, managementRules, members };
}

/** Windows of the day offered after `during` (the night, office hours, lunch). */
const COMMON_WINDOWS = ['22:00-07:00', '09:00-18:00', '12:00-13:00'];

export function complete(input: CompletionInput): CompletionItem[] {
  const { text, offset } = input;
  const cur = cursorOf(text, offset);
  if (cur.inComment) return [];
  const from = declarationStart(text, cur.cut);
  const slice = text.slice(from, cur.cut);
  const tokens = window(textToTokens(slice, '', new LineIndex(slice)).tokens);
  const suggestions = parser.computeContentAssist('file', tokens);
  const prev = tokens[tokens.length - 1];
  const prevWord = prev ? wordOf.get(prev.tokenType) : undefined;

  const replace = spanToLsp(cur.stringStart ?? cur.cut, offset, input.positions);
  const items = new Map<string, CompletionItem>();
  const add = (item: CompletionItem) => {
    if (!items.has(item.label)) items.set(item.label, item);
  };
  // A value: inside an open string only its text is inserted; elsewhere with its quotes.
  const str = (value: string, kind: CompletionItemKind, detail?: string) => {
    const newText = cur.stringStart !== undefined ? value : JSON.stringify(value);
    add({ label: value, kind, detail, textEdit: { range: replace, newText }, filterText: cur.stringStart !== undefined ? value : newText });
  };
  const word = (value: string, kind: CompletionItemKind, detail?: string, doc?: string) => {
    const item: CompletionItem = { label: value, kind, textEdit: { range: replace, newText: value } };
    if (detail) item.detail = detail;
    if (doc) item.documentation = { kind: MarkupKind.Markdown, value: doc };
    add(item);
  };
  const model = input.model;

  for (const s of suggestions) {
    const type = s.nextTokenType;
    const rules = s.ruleStack;
    const inRule = (name: string) => rules.includes(name);
    const last = rules[rules.length - 1];
    const keyword = wordOf.get(type);
    if (keyword !== undefined) {
      if (cur.stringStart !== undefined) continue;
      // `exempt members` is parsed only to be explained (a rule exempts customers).
      if (keyword === 'members' && prevWord === 'exempt') continue;
      const item = keywordItem(keyword, last === 'action' ? 'action' : prevWord);
      item.textEdit = { range: replace, newText: keyword };
      add(item);
      continue;
    }
    switch (type.name) {
      case 'Ident':
        if (cur.stringStart !== undefined) break;
        if (last === 'action' || last === 'ladderStatement') {
          for (const c of BUILTIN_CATEGORIES) word(c.id, CompletionItemKind.EnumMember, `built-in category (penalty rule ${c.penaltyRule})`, c.label);
          for (const c of model?.categories.values() ?? []) if (!c.builtin) word(c.id, CompletionItemKind.EnumMember, 'declared category', c.label);
        } else if (last === 'normalize') {
          for (const [step, doc] of Object.entries(NORMALIZE_STEPS)) word(step, CompletionItemKind.EnumMember, 'normalisation step', doc);
        } else if (last === 'quotaDecl') {
          for (const kind of QUOTA_KINDS) word(kind, CompletionItemKind.EnumMember, 'quota', 'The external contacts one member may add in one day.');
        }
        break;
      case 'StringLit':
      case 'UnterminatedString': {
        if (prevWord === 'from' && inRule('listSource')) {
          if (input.dir) for (const p of listFilesUnder(input.dir)) str(p, CompletionItemKind.File, 'list file');
        } else if (inRule('trigger') && (prevWord === 'identity' || prev?.tokenType.name === 'Comma')) {
          for (const i of seen(model).identities) str(i, CompletionItemKind.Value, 'identity');
        } else if (inRule('ownerStmt')) {
          const v = seen(model);
          const pool = prevWord === 'of' ? v.managementRules : v.owners;
          for (const x of pool) str(x, CompletionItemKind.Value, prevWord === 'of' ? 'management rule' : 'owner');
        } else if (inRule('blacklistDecl') && prevWord === 'of') {
          for (const m of seen(model).members) str(m, CompletionItemKind.Value, 'member');
        } else if (inRule('limitsDecl')) {
          for (const p of availableProfiles()) str(p, CompletionItemKind.Value, 'limits profile');
        } else if (inRule('enterpriseDecl') && model?.enterprise) {
          str(model.enterprise.name, CompletionItemKind.Value, 'the enterprise of the policy set');
        }
        break;
      }
      case 'DurationLit':
        if (cur.stringStart === undefined) for (const x of COMMON_DURATIONS) word(x, CompletionItemKind.Unit, 'duration');
        break;
      case 'TimeWindowLit':
        if (cur.stringStart === undefined) for (const x of COMMON_WINDOWS) word(x, CompletionItemKind.Unit, 'time window');
        break;
      default:
        break;
    }
  }

  // Whole blocks as snippets where a declaration may start.
  if (input.snippets && cur.stringStart === undefined && items.has('rule') && items.has('ladder')) {
    add({
      label: 'rule block', kind: CompletionItemKind.Snippet, detail: 'rule "NAME" { … }', insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: replace, newText: 'rule "${1:name}" {\n  owner super-admin "${2:id}"\n  groups ${3:"g-1"}\n  keywords ${4:"keyword"}\n\n  when keyword then ${5:recall}\n}\n' },
    });
    add({
      label: 'ladder block', kind: CompletionItemKind.Snippet, detail: 'ladder "NAME" { … }', insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: replace, newText: 'ladder "${1:name}" {\n  counts ${2:harassment}\n  step 1: suspend interop for ${3:1h}, appealable\n  step 2: suspend interop forever\n}\n' },
    });
    if (items.has('quota')) {
      add({
        label: 'quota block', kind: CompletionItemKind.Snippet, detail: 'quota contact-add { … }', insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range: replace, newText: 'quota contact-add {\n  daily ${1:100}\n  raise ${2:100} when complete\n  lower ${3:100} when not compliant\n}\n' },
      });
    }
  }
  return [...items.values()];
}
