// Test helper: fast-check arbitraries of ASTs, for property tests of the printers (a printed AST
// reads back as the same AST, up to ranges). They generate what the `.policy` grammar can say:
// every declaration, statement, trigger, action and sanction, in any order and number, with
// strings of any Unicode (CJK, emoji, quotes, backslashes, YAML indicators, line breaks,
// control and invisible characters, number-like text), names that are keywords, durations as
// written (`60m` is not `1h`) and `forever`. They do not generate comments (they need places in
// a text) and ranges are all empty: compare with `stripRanges` or a copy without ranges.
import fc from 'fast-check';
import type * as A from '../ast.ts';
import type { Range } from '../diagnostic.ts';
import { DURATION_UNITS, MAX_DURATION_MS } from '../duration.ts';
import { NORMALIZE_STEPS } from '../builtins.ts';

const range = (): Range => ({ start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } });

/** Characters that break naive printers, mixed with ordinary ones. */
const tricky = [
  ' ', '\t', '\n', '\r', '"', "'", '\\', '#', ':', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '/',
  '\u0000', '\u0007', '\u007f', '\u0085', '\u00a0', '\u200b', '\u2028', '\u202e', '\ufeff', '😀', '加', '微', '信', '优', '惠', '券', 'Ａ', 'é',
  '\u061c', '\u200e', '\u2066', '\u2069', '\u200d', '\u2060', '\u00ad', '\u180e', '\u2029', '\u009f', '\ud800', '\udc00', '\u{e0041}', '\u3164', '\ufe0f', '❤',
];
const words = ['true', 'false', 'null', '~', 'yes', 'no', '123', '4.10', '0x1f', '1e3', '-', '---', '...', 'forever', 'rule', 'from', '加微信', 'https://a.cn/*', '*.acme.cn'];

export const arbText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/) },
  { weight: 2, arbitrary: fc.constantFrom(...words) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...tricky), fc.string({ maxLength: 3 })), { maxLength: 8 }).map((xs) => xs.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
);

export const arbStr: fc.Arbitrary<A.Str> = arbText.map((value) => ({ value, range: range() }));

const keywordNames = ['rule', 'step', 'for', 'when', 'keyword', 'member', 'forever', 'in', 'of', 'from'];

/** A bare name, sometimes one that is also a language keyword. */
export const arbName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,15}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...keywordNames) },
);

export const arbIdent: fc.Arbitrary<A.Ident> = arbName.map((name) => ({ name, range: range() }));

export const arbInt: fc.Arbitrary<A.IntLit> = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1_000_000_000 })).map((value) => ({ value, range: range() }));

/** A duration as written: a number and a unit that parseDuration accepts, or `forever`. */
export const arbDuration: fc.Arbitrary<A.Duration> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...(Object.keys(DURATION_UNITS) as (keyof typeof DURATION_UNITS)[])).chain((unit) =>
    fc.integer({ min: 1, max: Math.floor(MAX_DURATION_MS / DURATION_UNITS[unit]) }).map((n) => ({ text: `${n}${unit}`, ms: n * DURATION_UNITS[unit], range: range() })),
  ) },
  { weight: 1, arbitrary: fc.constant({ text: 'forever', ms: null, range: range() }) },
);

/** A duration that is not `forever` (a sanction's `for`). */
const arbFiniteDuration = arbDuration.filter((d) => d.ms !== null);

export const arbListSource: fc.Arbitrary<A.ListSource> = fc.oneof(
  fc.array(arbStr, { minLength: 1, maxLength: 4 }).map((items): A.ListSource => ({ kind: 'inline', items, range: range() })),
  arbStr.map((path): A.ListSource => ({ kind: 'file', path, range: range() })),
);

const arbSteps = fc.array(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.keys(NORMALIZE_STEPS)) }, { weight: 1, arbitrary: arbName }).map((name) => ({ name, range: range() })),
  { minLength: 1, maxLength: 4 },
);

export const arbTrigger: fc.Arbitrary<A.Trigger> = fc.oneof(
  fc.constantFrom('keyword', 'link', 'miniprogram', 'card', 'image').map((type): A.Trigger => ({ type, range: range() })),
  fc.record({ count: arbInt, window: arbDuration }).map(({ count, window }): A.Trigger => ({ type: 'flood', count, window, range: range() })),
  fc.array(arbStr, { minLength: 1, maxLength: 3 }).map((identities): A.Trigger => ({ type: 'identity', identities, range: range() })),
  arbDuration.map((within): A.Trigger => ({ type: 'new-member', within, range: range() })),
  arbInt.map((max): A.Trigger => ({ type: 'length', max, range: range() })),
);

export const arbAction: fc.Arbitrary<A.Action> = fc.oneof(
  arbStr.map((text): A.Action => ({ type: 'warn', text, range: range() })),
  fc.constantFrom('recall', 'remove').map((type): A.Action => ({ type, range: range() })),
  arbDuration.map((duration): A.Action => ({ type: 'mute', duration, range: range() })),
  fc.constantFrom('personal', 'enterprise', 'group').map((scope): A.Action => ({ type: 'blacklist', scope, range: range() })),
  fc.constantFrom('owner', 'admins').map((target): A.Action => ({ type: 'notify', target, range: range() })),
  arbIdent.map((category): A.Action => ({ type: 'record', category, range: range() })),
);

export const arbOwner: fc.Arbitrary<A.OwnerStmt> = fc.oneof(
  fc.record({ role: fc.constantFrom('super-admin' as const, 'member' as const), id: arbStr }).map(({ role, id }): A.OwnerStmt => ({ kind: 'owner', role, id, range: range() })),
  fc.record({ managementRule: arbStr, id: fc.option(arbStr, { nil: undefined }) }).map(({ managementRule, id }): A.OwnerStmt =>
    id ? { kind: 'owner', role: 'rule-manager', managementRule, id, range: range() } : { kind: 'owner', role: 'rule-manager', managementRule, range: range() },
  ),
);

export const arbRuleStatement: fc.Arbitrary<A.RuleStatement> = fc.oneof(
  arbOwner,
  arbListSource.map((list): A.RuleStatement => ({ kind: 'groups', list, range: range() })),
  fc.record({ wholeWord: fc.boolean(), list: arbListSource }).map(({ wholeWord, list }): A.RuleStatement => ({ kind: 'keywords', wholeWord, list, range: range() })),
  arbListSource.map((list): A.RuleStatement => ({ kind: 'except', list, range: range() })),
  fc.record({ target: fc.constantFrom('links' as const, 'miniprograms' as const, 'cards' as const), list: arbListSource }).map(({ target, list }): A.RuleStatement => ({ kind: 'allow', target, list, range: range() })),
  arbSteps.map((steps): A.RuleStatement => ({ kind: 'normalize', steps, range: range() })),
  arbStr.map((version): A.RuleStatement => ({ kind: 'configured', version, range: range() })),
  arbStr.map((text): A.RuleStatement => ({ kind: 'announce', text, range: range() })),
  arbListSource.map((list): A.RuleStatement => ({ kind: 'exempt', list, range: range() })),
  arbListSource.map((days): A.RuleStatement => ({ kind: 'during', days, range: range() })),
  fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 })).map(([start, end]): A.RuleStatement => {
    const t = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return { kind: 'during', times: { text: `${t(start)}-${t(end)}`, start, end, range: range() }, range: range() };
  }),
  { weight: 3, arbitrary: fc.record({ trigger: arbTrigger, actions: fc.array(arbAction, { minLength: 1, maxLength: 4 }) }).map(({ trigger, actions }): A.RuleStatement => ({ kind: 'when', trigger, actions, range: range() })) },
);

export const arbSanction: fc.Arbitrary<A.Sanction> = fc.oneof(
  arbDuration.map((duration): A.Sanction => ({ verb: 'suspend', target: 'interop', duration, range: range() })),
  fc.record({ target: fc.constantFrom('member' as const, 'admin' as const, 'enterprise' as const), duration: fc.option(fc.oneof(arbFiniteDuration, arbDuration), { nil: undefined }) }).map(({ target, duration }): A.Sanction =>
    duration ? { verb: 'ban', target, duration, range: range() } : { verb: 'ban', target, range: range() },
  ),
);

/** A sanction list as the grammar allows it: at least one sanction or the `appealable` flag. */
const arbSanctions = fc
  .record({ sanctions: fc.array(arbSanction, { maxLength: 3 }), appealable: fc.boolean() })
  .filter(({ sanctions, appealable }) => sanctions.length > 0 || appealable)
  .map(({ sanctions, appealable }) => (appealable ? { sanctions, appealable: { range: range() } } : { sanctions }));

/** A sanction of `while linked blocked`: usually without a duration, sometimes (wrongly) with one. */
const arbHeldSanction: fc.Arbitrary<A.Sanction> = fc
  .record({
    verb: fc.constantFrom('suspend' as const, 'ban' as const),
    target: fc.constantFrom('member' as const, 'admin' as const, 'enterprise' as const),
    duration: fc.option(arbDuration, { nil: undefined, freq: 4 }),
  })
  .map(({ verb, target, duration }): A.Sanction => {
    const t = verb === 'suspend' ? 'interop' : target;
    return duration ? { verb, target: t, duration, range: range() } : { verb, target: t, range: range() };
  });

/** `while linked blocked: …` as the grammar allows it: at least one sanction or `restore within`. */
const arbLinked = fc
  .record({ sanctions: fc.array(arbHeldSanction, { maxLength: 3 }), restore: fc.option(arbDuration, { nil: undefined, freq: 5 }) })
  .filter(({ sanctions, restore }) => sanctions.length > 0 || restore !== undefined)
  .map(({ sanctions, restore }): A.LadderStatement => (restore ? { kind: 'linked', sanctions, restore, range: range() } : { kind: 'linked', sanctions, range: range() }));

export const arbLadderStatement: fc.Arbitrary<A.LadderStatement> = fc.oneof(
  fc.array(arbIdent, { minLength: 1, maxLength: 4 }).map((categories): A.LadderStatement => ({ kind: 'counts', categories, range: range() })),
  { weight: 3, arbitrary: fc.record({ number: arbInt, list: arbSanctions }).map(({ number, list }): A.LadderStatement => ({ kind: 'step', number, ...list, range: range() })) },
  arbSanctions.map((list): A.LadderStatement => ({ kind: 'severe', ...list, range: range() })),
  arbDuration.map((after): A.LadderStatement => ({ kind: 'expire', after, range: range() })),
  arbListSource.map((list): A.LadderStatement => ({ kind: 'members', list, range: range() })),
  arbLinked,
);

/** A percentage as written: digits, maybe a decimal part, maybe leading zeros, maybe over 100. */
const arbPercent: fc.Arbitrary<A.Percent> = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100_000 })), fc.option(fc.stringMatching(/^[0-9]{1,4}$/), { nil: undefined }), fc.boolean())
  .map(([whole, decimals, pad]) => {
    const text = `${pad ? '0' : ''}${whole}${decimals === undefined ? '' : `.${decimals}`}%`;
    return { text, percent: Number(text.slice(0, -1)), range: range() };
  });

export const arbQuotaCondition: fc.Arbitrary<A.QuotaCondition> = fc.oneof(
  fc.record({ factor: fc.constantFrom('complete' as const, 'compliant' as const), negated: fc.boolean() }).map((c): A.QuotaCondition => ({ ...c, range: range() })),
  fc
    .record({ factor: fc.constantFrom('usage' as const, 'blocks' as const, 'deletions' as const, 'complaints' as const), op: fc.constantFrom('over' as const, 'under' as const), threshold: arbPercent })
    .map((c): A.QuotaCondition => ({ ...c, range: range() })),
);

export const arbQuotaStatement: fc.Arbitrary<A.QuotaStatement> = fc.oneof(
  arbInt.map((count): A.QuotaStatement => ({ kind: 'daily', count, range: range() })),
  { weight: 3, arbitrary: fc.record({ direction: fc.constantFrom('raise' as const, 'lower' as const), amount: arbInt, condition: arbQuotaCondition }).map((a): A.QuotaStatement => ({ kind: 'adjust', ...a, range: range() })) },
  fc.record({ kind: fc.constantFrom('minimum' as const, 'maximum' as const), value: arbInt }).map((b): A.QuotaStatement => ({ ...b, range: range() })),
  arbStr.map((offset): A.QuotaStatement => ({ kind: 'timezone', offset, range: range() })),
);

export const arbDeclaration: fc.Arbitrary<A.Declaration> = fc.oneof(
  arbStr.map((name): A.Declaration => ({ kind: 'enterprise', name, range: range() })),
  arbStr.map((profile): A.Declaration => ({ kind: 'limits', profile, range: range() })),
  arbSteps.map((steps): A.Declaration => ({ kind: 'normalize', steps, range: range() })),
  arbListSource.map((list): A.Declaration => ({ kind: 'blacklist', scope: 'enterprise', list, range: range() })),
  fc.record({ owner: arbStr, list: arbListSource }).map(({ owner, list }): A.Declaration => ({ kind: 'blacklist', scope: 'personal', owner, list, range: range() })),
  arbListSource.map((list): A.Declaration => ({ kind: 'exempt', list, range: range() })),
  fc.record({ word: arbStr, list: arbListSource }).map(({ word, list }): A.Declaration => ({ kind: 'variants', word, list, range: range() })),
  fc.record({ name: arbIdent, label: fc.option(arbStr, { nil: undefined }) }).map(({ name, label }): A.Declaration =>
    label ? { kind: 'category', name, label, range: range() } : { kind: 'category', name, range: range() },
  ),
  { weight: 3, arbitrary: fc.record({ name: arbStr, body: fc.array(arbRuleStatement, { maxLength: 8 }) }).map(({ name, body }): A.Declaration => ({ kind: 'rule', name, body, range: range() })) },
  { weight: 2, arbitrary: fc.record({ name: arbStr, body: fc.array(arbLadderStatement, { maxLength: 6 }) }).map(({ name, body }): A.Declaration => ({ kind: 'ladder', name, body, range: range() })) },
  fc
    .record({ name: fc.oneof({ weight: 3, arbitrary: fc.constant('contact-add') }, { weight: 1, arbitrary: arbName }), body: fc.array(arbQuotaStatement, { maxLength: 8 }) })
    .map(({ name, body }): A.Declaration => ({ kind: 'quota', name: { name, range: range() }, body, range: range() })),
);

export interface ArbitraryPolicyOptions {
  form?: 'policy' | 'yaml';
  maxDeclarations?: number;
}

/**
 * A whole policy file of any declarations, in any order, without comments. A number is the
 * largest number of declarations (default 8).
 */
export function arbPolicyFile(opts: number | ArbitraryPolicyOptions = {}): fc.Arbitrary<A.PolicyFile> {
  const options = typeof opts === 'number' ? { maxDeclarations: opts } : opts;
  return fc.array(arbDeclaration, { maxLength: options.maxDeclarations ?? 8 }).map((declarations) => ({
    file: options.form === 'yaml' ? 'arbitrary.policy.yaml' : 'arbitrary.policy',
    form: options.form ?? 'policy',
    declarations,
    comments: [],
    range: range(),
  }));
}
