// The parser: tokens to a concrete syntax tree. The grammar is LL(2) at most and lives here as
// class properties; it builds no semantics (that is cst-to-ast.ts). Recovery is on, so one run
// reports every independent error and a half-typed file still yields a partial tree: nodes the
// parser re-synced past are marked `recoveredNode` and may miss children.
import {
  CstParser, EOF, type CstNode, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type ParserMethod, type TokenType,
} from 'chevrotain';
import {
  allTokens, Colon, Comma, DurationLit, Ident, IntLit, kw, LCurly, PercentLit, RCurly, StringLit, UnterminatedString,
} from './tokens.ts';

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
  missing: string;
}

/** `unexpected FOUND, expected WANTED`, recording what is missing for that message, if anything. */
function unexpected(records: MissingRecord[], actual: IToken, wanted: string, missing: string | null = wanted): string {
  const message = `unexpected ${describeToken(actual)}, expected ${wanted}`;
  if (missing !== null) records.push({ token: actual, message, missing });
  return message;
}

/** Where a block may end, what else could have come instead of its `}`. */
const blockContents: Record<string, string> = {
  ruleDecl: 'a rule statement or `}`',
  ladderDecl: 'a ladder statement or `}`',
  quotaDecl: 'a quota statement or `}`',
};

/** Messages in Hush's style: lower case, no trailing period, saying what was expected. */
function messages(records: MissingRecord[]): IParserErrorMessageProvider {
  return {
    buildMismatchTokenMessage: ({ expected, actual, ruleName }) =>
      expected === EOF
        ? unexpected(records, actual, 'a declaration', null)
        : expected === RCurly && ruleName in blockContents
          ? unexpected(records, actual, blockContents[ruleName], label(expected))
          : unexpected(records, actual, label(expected)),
    buildNotAllInputParsedMessage: ({ firstRedundant }) => unexpected(records, firstRedundant, 'a declaration', null),
    buildNoViableAltMessage: ({ expectedPathsPerAlt, actual }) => unexpected(records, actual[0], expectedList(expectedPathsPerAlt)),
    buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => unexpected(records, actual[0], expectedList([expectedIterationPaths])),
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
    this.MANY(() => this.SUBRULE(this.ruleStatement));
    this.CONSUME(RCurly);
  });

  ruleStatement = this.RULE('ruleStatement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ownerStmt) },
      { ALT: () => this.SUBRULE(this.groupsStmt) },
      { ALT: () => this.SUBRULE(this.keywordsStmt) },
      { ALT: () => this.SUBRULE(this.exceptStmt) },
      { ALT: () => this.SUBRULE(this.allowStmt) },
      { ALT: () => this.SUBRULE(this.normalize) },
      { ALT: () => this.SUBRULE(this.configuredStmt) },
      { ALT: () => this.SUBRULE(this.announceStmt) },
      { ALT: () => this.SUBRULE(this.whenStmt) },
    ]);
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

  /** `10s`, `30m`, `1h`, `7d`, or `forever`. */
  duration = this.RULE('duration', () => {
    this.OR([{ ALT: () => this.CONSUME(DurationLit) }, { ALT: () => this.CONSUME(kw.forever) }]);
  });

  ladderDecl = this.RULE('ladderDecl', () => {
    this.CONSUME(kw.ladder);
    this.SUBRULE(this.str);
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.ladderStatement));
    this.CONSUME(RCurly);
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
        ALT: () => {
          this.CONSUME(kw.step);
          this.CONSUME(IntLit);
          this.CONSUME(Colon);
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
          this.CONSUME(DurationLit);
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
export const CST_LABELS = ['owner', 'path', 'item', 'id', 'managementRule'] as const;
export type CstLabel = (typeof CST_LABELS)[number];

/** One parser instance is reused; Chevrotain parsers are stateful but reset on `input`. */
export const parser = new PolicyParser();

export interface CstResult {
  cst: CstNode;
  errors: IRecognitionException[];
  /** For the errors whose message names one thing that was expected: that thing (`` `}` ``, `a string`). */
  missing: ReadonlyMap<IRecognitionException, string>;
}

/**
 * Each error's record of what is missing: the last record built for its token with its message.
 * The records are indexed by token first, so this is linear (scanning every record for every
 * error was quadratic in the number of errors: `rule rule rule …`).
 */
export function matchMissing(errors: readonly IRecognitionException[], records: readonly MissingRecord[]): Map<IRecognitionException, string> {
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
        missing.set(e, same[i].missing);
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
  const missing = matchMissing(errors, records);
  records.length = 0;
  return { cst, errors, missing };
}

export { EOF };
export type { TokenType };
