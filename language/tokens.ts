// The tokens of the `.policy` language. Language words (`rule`, `when`, `keyword`, …) are
// keyword tokens that also belong to the `Ident` category, so wherever the grammar expects a
// bare name (a category such as `member-abuse`), a word that happens to be a keyword is still
// accepted; `longer_alt` makes `links` one word rather than `link` followed by `s`.
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\uFEFF]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments' });

export const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_-]*/, label: 'a name' });

/** A number followed by a unit; the unit is validated when the AST is built. */
export const DurationLit = createToken({ name: 'DurationLit', pattern: /[0-9]+[A-Za-z]+/, label: 'a duration' });
export const IntLit = createToken({ name: 'IntLit', pattern: /[0-9]+/, label: 'a number' });
/** A percentage (`80%`, `0.5%`); its range (0 to 100) is checked by the compiler. */
export const PercentLit = createToken({ name: 'PercentLit', pattern: /[0-9]+(?:\.[0-9]+)?%/, label: 'a percentage' });

/** A string with JSON-like escapes; see spec/language.md. */
export const StringLit = createToken({
  name: 'StringLit',
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  label: 'a string',
});
/** A string whose closing quote is missing on its line; reported, then parsed as a string. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  label: 'a string',
});

/**
 * A time window of a day (`22:00-07:00`), one token so that `-` needs no token of its own; the
 * times are validated when the AST is built (literal-checks.ts `checkTimeWindow`).
 */
export const TimeWindowLit = createToken({ name: 'TimeWindowLit', pattern: /[0-9]+:[0-9]+[ \t]*-[ \t]*[0-9]+:[0-9]+/, label: 'a time window' });

export const LCurly = createToken({ name: 'LCurly', pattern: '{', label: '`{`' });
export const RCurly = createToken({ name: 'RCurly', pattern: '}', label: '`}`' });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: '`,`' });
export const Colon = createToken({ name: 'Colon', pattern: ':', label: '`:`' });

/** Every word of the language. The order here does not matter: longer words are tried first. */
export const KEYWORDS = [
  'enterprise', 'limits', 'normalize', 'blacklist', 'personal', 'of', 'from', 'exempt',
  'customers', 'category', 'rule', 'owner', 'super-admin', 'member', 'rule-manager', 'groups',
  'keywords', 'whole-word', 'except', 'allow', 'links', 'miniprograms', 'cards', 'configured',
  'on', 'announce', 'when', 'then', 'keyword', 'link', 'miniprogram', 'card', 'image', 'flood',
  'in', 'identity', 'new-member', 'within', 'length', 'over', 'warn', 'recall', 'remove', 'mute',
  'group', 'notify', 'admins', 'record', 'ladder', 'counts', 'step', 'severe', 'expire', 'after',
  'suspend', 'interop', 'for', 'forever', 'appealable', 'ban', 'admin', 'members', 'while', 'linked',
  'blocked', 'restore', 'quota', 'daily', 'raise', 'lower', 'minimum', 'maximum', 'timezone', 'not',
  'complete', 'compliant', 'usage', 'blocks', 'deletions', 'complaints', 'under', 'pattern', 'variants',
  'during', 'days',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

type Underscored<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Underscored<B>}` : S;
/** The name of a keyword's token: `Kw_super_admin` for `super-admin` (see `kw` below). */
export type KeywordTokenName = `Kw_${Underscored<Keyword>}`;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Keyword tokens by word; `kw.rule` is the token for `rule`. */
export const kw = Object.fromEntries(
  KEYWORDS.map((word) => [
    word,
    createToken({
      name: `Kw_${word.replace(/-/g, '_')}`,
      pattern: new RegExp(escapeRegex(word)),
      longer_alt: Ident,
      categories: [Ident],
      label: `\`${word}\``,
    }),
  ]),
) as Record<Keyword, TokenType>;

const keywordTokens = [...KEYWORDS].sort((a, b) => b.length - a.length).map((w) => kw[w]);

/** All tokens in lexing order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  UnterminatedString,
  LCurly,
  RCurly,
  Comma,
  TimeWindowLit,
  Colon,
  PercentLit,
  DurationLit,
  IntLit,
  ...keywordTokens,
  Ident,
];

/** The keyword token of a word, when the word is a language keyword. */
export function keywordToken(word: string): TokenType | undefined {
  return (kw as Record<string, TokenType>)[word];
}

// Grammar facts shared by the parser's error reporting, completion and the incremental parser:
// the words that start a line. `satisfies` ties each word to a keyword token, so a renamed or
// removed keyword is a compile error here rather than a silently stale list elsewhere.

/** Words that begin a top-level declaration (the first token of each `declaration` alternative). */
export const DECLARATION_STARTERS = [
  'enterprise', 'limits', 'normalize', 'blacklist', 'exempt', 'category', 'rule', 'ladder', 'quota', 'variants',
] as const satisfies readonly Keyword[];

/** Words that begin a statement inside a `rule`, `ladder` or `quota` block. */
export const STATEMENT_STARTERS = [
  'owner', 'groups', 'keywords', 'pattern', 'except', 'allow', 'normalize', 'configured', 'announce', 'when', 'counts', 'step', 'severe', 'expire', 'members',
  'while', 'daily', 'raise', 'lower', 'minimum', 'maximum', 'timezone', 'for', 'exempt', 'during',
] as const satisfies readonly Keyword[];

/** Declarations that open a `{ … }` block. */
export const BLOCK_STARTERS = ['rule', 'ladder', 'quota'] as const satisfies readonly (typeof DECLARATION_STARTERS)[number][];

/** Block declarations whose name is a string (`rule "…" {`): a line starting `rule "` begins one. */
export const NAMED_BLOCK_STARTERS = ['rule', 'ladder'] as const satisfies readonly (typeof BLOCK_STARTERS)[number][];

/** The tokens of a list of words. */
export function tokensOf(words: readonly Keyword[]): ReadonlySet<TokenType> {
  return new Set(words.map((w) => kw[w]));
}

/** `}` and the first words of declarations and statements: the tokens that usually start a line. */
export const LINE_STARTERS: ReadonlySet<TokenType> = new Set([RCurly, ...tokensOf(DECLARATION_STARTERS), ...tokensOf(STATEMENT_STARTERS)]);
