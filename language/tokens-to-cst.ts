// The parser: tokens to a concrete syntax tree. The grammar is LL(2) at most and lives here as
// class properties; it builds no semantics (that is cst-to-ast.ts). Recovery is on, so one run
// reports every independent error and a half-typed file still yields a partial tree: nodes the
// parser re-synced past are marked `recoveredNode` and may miss children.
import {
  CstParser, EOF, type CstNode, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type ParserMethod, type TokenType,
} from 'chevrotain';
import {
  allTokens, Colon, Comma, DECLARATION_STARTERS, DurationLit, Ident, IntLit, KEYWORDS, kw, LCurly, PercentLit, RCurly, StringLit, TimeWindowLit, UnterminatedString,
  type Keyword,
} from './tokens.ts';
import { closest, WORD_TOLERANCE } from './suggest.ts';
import { durationUnitWord } from './literal-checks.ts';

/** What a token looks like in a message: its label for a kind of token, its text otherwise. */
export function describeToken(t: IToken): string {
  if (t.tokenType === EOF) return 'end of file';
  const text = t.image.length > 30 ? t.image.slice(0, 30) + '…' : t.image;
  return `\`${text}\``;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function expectedList(paths: TokenType[][][]): string {
  const firsts = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) firsts.add(label(path[0]));
  const xs = [...firsts];
  if (xs.length === 0) return 'something else';
  if (xs.length === 1) return xs[0];
  return `one of ${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

/**
 * What a message says is missing, recorded while the message is built so that text-to-ast.ts
 * can rewrite an error found at the start of the next line as "missing … at the end of the line".
 * The records of one parse are matched to its errors by `tokensToCst`.
 */
export interface MissingRecord {
  token: IToken;
  message: string;
  /** What is missing, when the message names one thing. */
  missing: string | null;
  /** The language word the found word was probably meant to be (`recal` → `recall`). */
  suggestion?: string;
}

/** Declaration words that are no rule statement and open no block: explained when found inside a rule. */
export const MISPLACEABLE = ['enterprise', 'limits', 'blacklist', 'category', 'variants'] as const satisfies readonly Keyword[];

/**
 * The words that end a rule when they stand at column 1 (a `}` was forgotten): the misplaceable
 * declarations and `exempt`, which indented is a rule's own exemption (`exempt customers …`).
 */
const endsRuleAtColumnOne = new Set<TokenType>([...MISPLACEABLE, 'exempt' as const].map((w) => kw[w]));

/** The language word of each keyword token. */
const wordOf = new Map<TokenType, Keyword>(KEYWORDS.map((w) => [kw[w], w]));

/** The words that may start a statement in each block, for "did you mean" (`keyword` → `keywords`). */
const blockStarters: Record<string, readonly Keyword[]> = {
  ruleDecl: ['owner', 'groups', 'keywords', 'pattern', 'except', 'allow', 'normalize', 'configured', 'announce', 'when', 'exempt', 'during'],
  ladderDecl: ['counts', 'step', 'severe', 'expire', 'members', 'while'],
  quotaDecl: ['daily', 'raise', 'lower', 'minimum', 'maximum', 'timezone'],
};

/** The expected word nearest a found word that is not itself expected, if near enough to be a typo. */
function suggestionFor(actual: IToken, expected: readonly string[]): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(actual.image) || expected.includes(actual.image)) return undefined;
  return closest(actual.image, expected, WORD_TOLERANCE);
}

/** `unexpected FOUND, expected WANTED`, recording what is missing for that message, and what was meant. */
function unexpected(records: MissingRecord[], actual: IToken, wanted: string, missing: string | null = wanted, words: readonly string[] = []): string {
  const message = `unexpected ${describeToken(actual)}, expected ${wanted}`;
  const suggestion = suggestionFor(actual, words);
  if (missing !== null || suggestion !== undefined) records.push(suggestion ? { token: actual, message, missing, suggestion } : { token: actual, message, missing });
  return message;
}

/** Where a block may end, what else could have come instead of its `}`. */
const blockContents: Record<string, string> = {
  ruleDecl: 'a rule statement or `}`',
  ladderDecl: 'a ladder statement or `}`',
  quotaDecl: 'a quota statement or `}`',
};

/** The language words among the first tokens of the expected paths. */
function wordsOf(paths: TokenType[][][]): Keyword[] {
  const out: Keyword[] = [];
  for (const alt of paths) for (const path of alt) if (path[0] && wordOf.has(path[0])) out.push(wordOf.get(path[0])!);
  return out;
}

/** Messages in Hush's style: lower case, no trailing period, saying what was expected. */
function messages(records: MissingRecord[]): IParserErrorMessageProvider {
  return {
    buildMismatchTokenMessage: ({ expected, actual, ruleName }) =>
      expected === EOF
        ? unexpected(records, actual, 'a declaration', null, DECLARATION_STARTERS)
        : expected === RCurly && ruleName in blockContents
          ? unexpected(records, actual, blockContents[ruleName], label(expected), blockStarters[ruleName])
          : unexpected(records, actual, label(expected), label(expected), wordOf.has(expected) ? [wordOf.get(expected)!] : []),
    buildNotAllInputParsedMessage: ({ firstRedundant }) => unexpected(records, firstRedundant, 'a declaration', null, DECLARATION_STARTERS),
    buildNoViableAltMessage: ({ expectedPathsPerAlt, actual }) =>
      unexpected(records, actual[0], expectedList(expectedPathsPerAlt), expectedList(expectedPathsPerAlt), wordsOf(expectedPathsPerAlt)),
    buildEarlyExitMessage: ({ expectedIterationPaths, actual }) =>
      unexpected(records, actual[0], expectedList([expectedIterationPaths]), expectedList([expectedIterationPaths]), wordsOf([expectedIterationPaths])),
  };
}

class PolicyParser extends CstParser {
  /** What the messages built during the current parse say is missing; emptied by `tokensToCst`. */
  readonly missingRecords: MissingRecord[];

  constructor(records: MissingRecord[] = []) {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'onlyOffset', errorMessageProvider: messages(records) });
    this.missingRecords = records;
    this.performSelfAnalysis();
  }

  /** A string literal; an unterminated one is accepted here and reported by the lexer pass. */
  str = this.RULE('str', () => {
    this.OR([{ ALT: () => this.CONSUME(StringLit) }, { ALT: () => this.CONSUME(UnterminatedString) }]);
  });

  file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE('declaration', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.enterpriseDecl) },
      { ALT: () => this.SUBRULE(this.limitsDecl) },
      { ALT: () => this.SUBRULE(this.normalize) },
      { ALT: () => this.SUBRULE(this.blacklistDecl) },
      { ALT: () => this.SUBRULE(this.exemptDecl) },
      { ALT: () => this.SUBRULE(this.categoryDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.ladderDecl) },
      { ALT: () => this.SUBRULE(this.quotaDecl) },
      { ALT: () => this.SUBRULE(this.variantsDecl) },
    ]);
  });

  enterpriseDecl = this.RULE('enterpriseDecl', () => {
    this.CONSUME(kw.enterprise);
    this.SUBRULE(this.str);
  });

  limitsDecl = this.RULE('limitsDecl', () => {
    this.CONSUME(kw.limits);
    this.SUBRULE(this.str);
  });

  normalize = this.RULE('normalize', () => {
    this.CONSUME(kw.normalize);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.CONSUME(Ident) });
  });

  blacklistDecl = this.RULE('blacklistDecl', () => {
    this.CONSUME(kw.blacklist);
    this.OR([
      { ALT: () => this.CONSUME(kw.enterprise) },
      {
        ALT: () => {
          this.CONSUME(kw.personal);
          this.CONSUME(kw.of);
          this.SUBRULE(this.str, { LABEL: 'owner' });
        },
      },
    ]);
    this.SUBRULE(this.listSource);
  });

  exemptDecl = this.RULE('exemptDecl', () => {
    this.CONSUME(kw.exempt);
    this.CONSUME(kw.customers);
    this.SUBRULE(this.listSource);
  });

  /** `variants of "微信" "薇信", "vx"`: the set's own spellings of a word (spec/language.md §10). */
  variantsDecl = this.RULE('variantsDecl', () => {
    this.CONSUME(kw.variants);
    this.CONSUME(kw.of);
    this.SUBRULE(this.str, { LABEL: 'word' });
    this.SUBRULE(this.listSource);
  });

  categoryDecl = this.RULE('categoryDecl', () => {
    this.CONSUME(kw.category);
    this.CONSUME(Ident);
    this.OPTION(() => this.SUBRULE(this.str));
  });

  /** `from "file"` or `"a", "b", …`. */
  listSource = this.RULE('listSource', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw.from);
          this.SUBRULE(this.str, { LABEL: 'path' });
        },
      },
      { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE2(this.str, { LABEL: 'item' }) }) },
    ]);
  });

  ruleDecl = this.RULE('ruleDecl', () => {
    this.CONSUME(kw.rule);
    this.SUBRULE(this.str);
    this.CONSUME(LCurly);
    // An indented declaration word inside a rule (`category …`) is a mistake explained by
    // cst-to-ast.ts, not the end of the rule (at column 1 it is: a `}` was forgotten).
    this.MANY({
      GATE: () => !endsRuleAtColumnOne.has(this.LA(1).tokenType) || (this.LA(1).startColumn ?? 0) > 1,
      DEF: () => this.OR([{ ALT: () => this.SUBRULE(this.ruleStatement) }, { ALT: () => this.SUBRULE(this.misplacedDecl) }]),
    });
    this.CONSUME(RCurly);
  });

  ruleStatement = this.RULE('ruleStatement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ownerStmt) },
      { ALT: () => this.SUBRULE(this.groupsStmt) },
      { ALT: () => this.SUBRULE(this.keywordsStmt) },
      { ALT: () => this.SUBRULE(this.patternStmt) },
      { ALT: () => this.SUBRULE(this.exceptStmt) },
      { ALT: () => this.SUBRULE(this.allowStmt) },
      { ALT: () => this.SUBRULE(this.normalize) },
      { ALT: () => this.SUBRULE(this.configuredStmt) },
      { ALT: () => this.SUBRULE(this.announceStmt) },
      { ALT: () => this.SUBRULE(this.whenStmt) },
      { ALT: () => this.SUBRULE(this.ruleExemptStmt) },
      { ALT: () => this.SUBRULE(this.duringStmt) },
    ]);
  });

  /** `exempt customers LIST` in a rule; `exempt members LIST` is parsed to be explained (cst-to-ast.ts). */
  ruleExemptStmt = this.RULE('ruleExemptStmt', () => {
    this.CONSUME(kw.exempt);
    this.OR([{ ALT: () => this.CONSUME(kw.customers) }, { ALT: () => this.CONSUME(kw.members) }]);
    this.SUBRULE(this.listSource);
  });

  /** `during 22:00-07:00` or `during days LIST` (dates `YYYY-MM-DD`). */
  duringStmt = this.RULE('duringStmt', () => {
    this.CONSUME(kw.during);
    this.OR([
      { ALT: () => this.CONSUME(TimeWindowLit) },
      {
        ALT: () => {
          this.CONSUME(kw.days);
          this.SUBRULE(this.listSource);
        },
      },
    ]);
  });

  /** A declaration word and the rest of its line, inside a rule. */
  misplacedDecl = this.RULE('misplacedDecl', () => {
    this.OR(MISPLACEABLE.map((w) => ({ ALT: () => this.CONSUME(kw[w]) })));
    this.MANY({
      GATE: () => this.LA(1).startLine === this.LA(0).endLine,
      DEF: () =>
        this.OR2([
          { ALT: () => this.CONSUME(Ident) },
          { ALT: () => this.CONSUME(StringLit) },
          { ALT: () => this.CONSUME(UnterminatedString) },
          { ALT: () => this.CONSUME(Comma) },
          { ALT: () => this.CONSUME(Colon) },
          { ALT: () => this.CONSUME(IntLit) },
          { ALT: () => this.CONSUME(DurationLit) },
          { ALT: () => this.CONSUME(PercentLit) },
          { ALT: () => this.CONSUME(TimeWindowLit) },
        ]),
    });
  });

  ownerStmt = this.RULE('ownerStmt', () => {
    this.CONSUME(kw.owner);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw['super-admin']);
          this.SUBRULE(this.str, { LABEL: 'id' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.member);
          this.SUBRULE2(this.str, { LABEL: 'id' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw['rule-manager']);
          this.CONSUME(kw.of);
          this.SUBRULE3(this.str, { LABEL: 'managementRule' });
          this.OPTION(() => this.SUBRULE4(this.str, { LABEL: 'id' }));
        },
      },
    ]);
  });

  groupsStmt = this.RULE('groupsStmt', () => {
    this.CONSUME(kw.groups);
    this.SUBRULE(this.listSource);
  });

  keywordsStmt = this.RULE('keywordsStmt', () => {
    this.CONSUME(kw.keywords);
    this.OPTION(() => this.CONSUME(kw['whole-word']));
    this.SUBRULE(this.listSource);
  });

  patternStmt = this.RULE('patternStmt', () => {
    this.CONSUME(kw.pattern);
    this.SUBRULE(this.listSource);
  });

  exceptStmt = this.RULE('exceptStmt', () => {
    this.CONSUME(kw.except);
    this.SUBRULE(this.listSource);
  });

  allowStmt = this.RULE('allowStmt', () => {
    this.CONSUME(kw.allow);
    this.OR([
      { ALT: () => this.CONSUME(kw.links) },
      { ALT: () => this.CONSUME(kw.miniprograms) },
      { ALT: () => this.CONSUME(kw.cards) },
    ]);
    this.SUBRULE(this.listSource);
  });

  configuredStmt = this.RULE('configuredStmt', () => {
    this.CONSUME(kw.configured);
    this.CONSUME(kw.on);
    this.SUBRULE(this.str);
  });

  announceStmt = this.RULE('announceStmt', () => {
    this.CONSUME(kw.announce);
    this.SUBRULE(this.str);
  });

  whenStmt = this.RULE('whenStmt', () => {
    this.CONSUME(kw.when);
    this.SUBRULE(this.trigger);
    this.CONSUME(kw.then);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.action) });
  });

  trigger = this.RULE('trigger', () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.keyword) },
      { ALT: () => this.CONSUME(kw.link) },
      { ALT: () => this.CONSUME(kw.miniprogram) },
      { ALT: () => this.CONSUME(kw.card) },
      { ALT: () => this.CONSUME(kw.image) },
      {
        ALT: () => {
          this.CONSUME(kw.flood);
          this.CONSUME(IntLit);
          this.CONSUME(kw.in);
          this.SUBRULE(this.duration);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.identity);
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.str) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw['new-member']);
          this.CONSUME(kw.within);
          this.SUBRULE2(this.duration);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.length);
          this.CONSUME(kw.over);
          this.CONSUME2(IntLit);
        },
      },
    ]);
  });

  action = this.RULE('action', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw.warn);
          this.SUBRULE(this.str);
        },
      },
      { ALT: () => this.CONSUME(kw.recall) },
      { ALT: () => this.CONSUME(kw.remove) },
      {
        ALT: () => {
          this.CONSUME(kw.mute);
          this.SUBRULE(this.duration);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.blacklist);
          this.OR2([
            { ALT: () => this.CONSUME(kw.personal) },
            { ALT: () => this.CONSUME(kw.enterprise) },
            { ALT: () => this.CONSUME(kw.group) },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.notify);
          this.OR3([{ ALT: () => this.CONSUME(kw.owner) }, { ALT: () => this.CONSUME(kw.admins) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.record);
          this.CONSUME(Ident);
        },
      },
    ]);
  });

  /** `10s`, `30m`, `1h`, `7d`, or `forever`; `60 minutes` and `10 s` are parsed to be explained. */
  duration = this.RULE('duration', () => {
    this.OR([
      { ALT: () => this.CONSUME(DurationLit) },
      { ALT: () => this.CONSUME(kw.forever) },
      { ALT: () => this.SUBRULE(this.spacedDuration) },
    ]);
  });

  /**
   * A number, then maybe a unit word after a space (`60 minutes`, `10 s`): not a duration, but
   * read as one so that cst-to-ast.ts says what to write instead and nothing after it breaks.
   * Only a word that names a unit, or a plain name on the same line, is taken (`then` after
   * `flood 5 in 10` is not: it is a language word).
   */
  spacedDuration = this.RULE('spacedDuration', () => {
    this.CONSUME(IntLit);
    // A unit word, or any other plain name right after the number on its line (`10 q`).
    this.OPTION({
      GATE: () =>
        durationUnitWord(this.LA(1).image) !== undefined || (this.LA(1).tokenType === Ident && this.LA(1).startLine === this.LA(0).endLine),
      DEF: () => this.CONSUME(Ident),
    });
  });

  ladderDecl = this.RULE('ladderDecl', () => {
    this.CONSUME(kw.ladder);
    this.SUBRULE(this.str);
    this.CONSUME(LCurly);
    // A number starts a statement only as `1 step: …` (after `counts a,` it is a stray token).
    this.MANY({
      // `for` starts a statement as `for customers|members`; on the line of the token before, it
      // is a sanction's `for 1h` left behind by an error in the sanction (reported there once),
      // taken up here so that it causes no second error.
      GATE: () =>
        (this.LA(1).tokenType !== IntLit || this.LA(2).tokenType === kw.step) &&
        (this.LA(1).tokenType !== kw.for ||
          this.LA(2).tokenType === kw.customers ||
          this.LA(2).tokenType === kw.members ||
          this.LA(1).startLine === this.LA(0).endLine),
      DEF: () => this.OR([{ ALT: () => this.SUBRULE(this.ladderStatement) }, { ALT: () => this.SUBRULE(this.numberFirstStep) }]),
    });
    this.CONSUME(RCurly);
  });

  /** `1 step: …`: the number before the word, explained by cst-to-ast.ts. */
  numberFirstStep = this.RULE('numberFirstStep', () => {
    this.CONSUME(IntLit);
    this.CONSUME(kw.step);
    this.OPTION(() => this.CONSUME(Colon));
    this.SUBRULE(this.sanctionList);
  });

  ladderStatement = this.RULE('ladderStatement', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw.counts);
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.CONSUME(Ident) });
        },
      },
      {
        // `step N: …`; the number and the colon are optional here, and a number after the colon
        // (`step: 4 ban admin`) is parsed too, so that cst-to-ast.ts explains the step once.
        ALT: () => {
          this.CONSUME(kw.step);
          this.OPTION(() => this.CONSUME(IntLit));
          this.OPTION2(() => this.CONSUME(Colon));
          this.OPTION3(() => this.CONSUME2(IntLit));
          this.SUBRULE(this.sanctionList);
        },
      },

      {
        ALT: () => {
          this.CONSUME(kw.severe);
          this.CONSUME2(Colon);
          this.SUBRULE2(this.sanctionList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.expire);
          this.CONSUME(kw.after);
          this.SUBRULE(this.duration);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.members);
          this.SUBRULE(this.listSource);
        },
      },
      {
        // `for customers` / `for members`: whose violations the ladder counts.
        ALT: () => {
          this.CONSUME(kw.for);
          this.OR5([
            { ALT: () => this.CONSUME(kw.customers) },
            { ALT: () => this.CONSUME2(kw.members) },
            // The leftover `for 1h` / `for forever` of a broken sanction (see ladderDecl).
            { ALT: () => this.CONSUME(DurationLit) },
            { ALT: () => this.CONSUME(kw.forever) },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.while);
          this.CONSUME(kw.linked);
          this.CONSUME(kw.blocked);
          this.CONSUME3(Colon);
          this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => this.SUBRULE(this.linkedItem) });
        },
      },
    ]);
  });

  /**
   * An item of `while linked blocked: …`: a sanction held while the linked account is blocked
   * (a duration is parsed, for the checker to reject with a clear message), or `restore within D`.
   */
  linkedItem = this.RULE('linkedItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw.suspend);
          this.CONSUME(kw.interop);
          this.OPTION(() => this.SUBRULE(this.sanctionDuration));
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.ban);
          this.OR2([
            { ALT: () => this.CONSUME(kw.member) },
            { ALT: () => this.CONSUME(kw.admin) },
            { ALT: () => this.CONSUME(kw.enterprise) },
          ]);
          this.OPTION2(() => this.SUBRULE2(this.sanctionDuration));
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.restore);
          this.CONSUME(kw.within);
          this.SUBRULE(this.duration);
        },
      },
    ]);
  });

  /** `suspend interop for 1h, appealable`: sanctions with an optional `appealable` flag. */
  sanctionList = this.RULE('sanctionList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.sanctionItem) });
  });

  sanctionItem = this.RULE('sanctionItem', () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.appealable) },
      {
        ALT: () => {
          this.CONSUME(kw.suspend);
          this.CONSUME(kw.interop);
          this.SUBRULE(this.sanctionDuration);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.ban);
          this.OR2([
            { ALT: () => this.CONSUME(kw.member) },
            { ALT: () => this.CONSUME(kw.admin) },
            { ALT: () => this.CONSUME(kw.enterprise) },
          ]);
          this.OPTION(() => this.SUBRULE2(this.sanctionDuration));
        },
      },
      // The customer sanctions of a `for customers` ladder: `mute for 1h`, `mute forever`,
      // `remove` (from the group), `blacklist personal|enterprise` (a duration is parsed for the
      // checker to reject: the blacklists are permanent).
      {
        ALT: () => {
          this.CONSUME(kw.mute);
          this.SUBRULE3(this.sanctionDuration);
        },
      },
      { ALT: () => this.CONSUME(kw.remove) },
      {
        ALT: () => {
          this.CONSUME(kw.blacklist);
          this.OR3([{ ALT: () => this.CONSUME(kw.personal) }, { ALT: () => this.CONSUME2(kw.enterprise) }]);
          this.OPTION2(() => this.SUBRULE4(this.sanctionDuration));
        },
      },
    ]);
  });

  /** `quota contact-add { … }`: the daily quota of external contacts one member may add. */
  quotaDecl = this.RULE('quotaDecl', () => {
    this.CONSUME(kw.quota);
    this.CONSUME(Ident);
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.quotaStatement));
    this.CONSUME(RCurly);
  });

  quotaStatement = this.RULE('quotaStatement', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw.daily);
          this.CONSUME(IntLit);
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(kw.raise) }, { ALT: () => this.CONSUME(kw.lower) }]);
          this.CONSUME2(IntLit);
          this.CONSUME(kw.when);
          this.SUBRULE(this.quotaCondition);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.minimum);
          this.CONSUME3(IntLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.maximum);
          this.CONSUME4(IntLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.timezone);
          this.SUBRULE(this.str);
        },
      },
    ]);
  });

  /** `complete`, `not compliant`, `usage over 80%`, `complaints under 0.5%`. */
  quotaCondition = this.RULE('quotaCondition', () => {
    this.OR([
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(kw.not));
          this.OR2([{ ALT: () => this.CONSUME(kw.complete) }, { ALT: () => this.CONSUME(kw.compliant) }]);
        },
      },
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(kw.usage) },
            { ALT: () => this.CONSUME(kw.blocks) },
            { ALT: () => this.CONSUME(kw.deletions) },
            { ALT: () => this.CONSUME(kw.complaints) },
          ]);
          this.OR4([{ ALT: () => this.CONSUME(kw.over) }, { ALT: () => this.CONSUME(kw.under) }]);
          this.CONSUME(PercentLit);
        },
      },
    ]);
  });

  sanctionDuration = this.RULE('sanctionDuration', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw.for);
          this.OR2([{ ALT: () => this.CONSUME(DurationLit) }, { ALT: () => this.SUBRULE(this.spacedDuration) }]);
        },
      },
      { ALT: () => this.CONSUME(kw.forever) },
    ]);
  });
}

/** The names of the grammar's rules: the keys under which a CST node holds its sub-nodes. */
export type RuleName = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [K in keyof PolicyParser]: PolicyParser[K] extends ParserMethod<any, CstNode> ? K : never;
}[keyof PolicyParser];

/** The `LABEL`s given to sub-rules above: keys under which a CST node holds those sub-nodes instead. */
export const CST_LABELS = ['owner', 'path', 'item', 'id', 'managementRule', 'word'] as const;
export type CstLabel = (typeof CST_LABELS)[number];

/** One parser instance is reused; Chevrotain parsers are stateful but reset on `input`. */
export const parser = new PolicyParser();

export interface CstResult {
  cst: CstNode;
  errors: IRecognitionException[];
  /** For the errors whose message names one thing that was expected: that thing (`` `}` ``, `a string`). */
  missing: ReadonlyMap<IRecognitionException, string>;
  /** For the errors at a misspelt word: the language word it was probably meant to be. */
  suggestions: ReadonlyMap<IRecognitionException, string>;
}

/**
 * Each error's record of what is missing: the last record built for its token with its message.
 * The records are indexed by token first, so this is linear (scanning every record for every
 * error was quadratic in the number of errors: `rule rule rule …`).
 */
export function matchMissing(
  errors: readonly IRecognitionException[],
  records: readonly MissingRecord[],
  suggestions?: Map<IRecognitionException, string>,
): Map<IRecognitionException, string> {
  const byToken = new Map<IToken, MissingRecord[]>();
  for (const r of records) {
    const same = byToken.get(r.token);
    if (same) same.push(r);
    else byToken.set(r.token, [r]);
  }
  const missing = new Map<IRecognitionException, string>();
  for (const e of errors) {
    const same = byToken.get(e.token) ?? [];
    for (let i = same.length - 1; i >= 0; i--) {
      if (same[i].message === e.message) {
        if (same[i].missing !== null) missing.set(e, same[i].missing!);
        if (same[i].suggestion !== undefined) suggestions?.set(e, same[i].suggestion!);
        break;
      }
    }
  }
  return missing;
}

export function tokensToCst(tokens: IToken[]): CstResult {
  const records = parser.missingRecords;
  records.length = 0;
  parser.input = tokens;
  const cst = parser.file();
  const errors = [...parser.errors];
  const suggestions = new Map<IRecognitionException, string>();
  const missing = matchMissing(errors, records, suggestions);
  records.length = 0;
  return { cst, errors, missing, suggestions };
}

export { EOF };
export type { TokenType };
