// Code generation: the IR of a policy set becomes one ES module (JavaScript) and its `.d.ts`
// (ir-to-dts.ts), written with ts-morph; load-module.ts imports such modules. The module implements CompiledPolicy (runtime/policy/compiled-policy.ts) and
// must agree with the reference interpreter (runtime/policy/interpreter.ts) on every input.
//
// What the module holds:
// - the policy's names, actions, ladders and identities as data;
// - the plan of its indexes (which keyword profile, which whitelist each rule uses);
// - one straight-line function per rule *shape* (the sequence of a rule's `when` lines) that
//   evaluates those lines in order, and per rule its parameter row (whitelists, counts, windows,
//   limits, actions). A thousand rules usually have a handful of shapes: with one function per
//   rule, 250 rules firing on one message ran cold, about 0.5 µs each, out of the instruction
//   cache; a few shared functions stay hot (bench/RESULTS.md, "Engine");
// - its bulk data as a data blob (compiler/lower/ir-to-data.ts): inline as base64 when small, else in
//   a sidecar file `<name>.data.bin` beside the module, read at load time.
//
// How the module finds the runtime: it does not import it. It exports a factory,
// `createPolicy(runtime, data?)`, that takes the runtime support object (`compiledRuntime` of
// runtime/policy/generated/compiled-support.ts: the blob reader, string tables, keyword scanner, normaliser, link
// parsing and the per-message context). A path or URL to Hush's own files baked into the module
// would break as soon as the module or Hush moved; a bare package import would tie the module to
// how Hush happens to be installed. With the factory the module is plain data and logic, the
// host passes the runtime it runs, and `supportVersion` guards against a mismatched one.
//
// Security: no text of the policy is ever emitted as code. Every string goes through
// `stringLiteral` (JSON escaping, then every character outside printable ASCII and `<`, `>` as a
// `\uXXXX` escape, so U+2028/2029, `</script>` and control characters cannot break out) and only
// into data positions: array elements and property values. Identifiers are made from numbers
// (`shape2` for the third shape), comments are fixed text (words, numbers and trigger types), keys are fixed words, and no template
// literal is emitted. Names like `__proto__` are only ever values, and the runtime keeps them in
// Maps and string tables, never as object keys.
import { IndentationText, Project, type SourceFile, type WriterFunction } from 'ts-morph';
import { blobToBase64, encodeBlob } from '../../runtime/policy/generated/data-blob.ts';
import { META_IDENTITY, META_IMAGE, META_NEW_MEMBER, SUPPORT_VERSION } from '../../runtime/policy/generated/compiled-support.ts';
import type { IrAction, IrContactQuota, IrLadder, IrLoc, IrPolicySet, IrRule, IrStep } from '../../runtime/ir.ts';
import { irToData, type PolicyData } from '../lower/ir-to-data.ts';
import { irHash } from '../lower/policy-set-to-ir.ts';
import { emitTypes } from './ir-to-dts.ts';

/** A JavaScript string literal for any text: printable ASCII only, everything else escaped. */
export function stringLiteral(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]|[<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot emit the number ${n}`);
  return String(n);
}

/** A literal for plain data (strings, numbers, booleans, null, arrays, objects with word keys). */
export function dataLiteral(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number') return numberLiteral(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(dataLiteral).join(', ')}]`;
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => {
      // Keys come from the IR's own structure, never from policy text; a key that is not a
      // plain word (or is `__proto__`, which would set the prototype) is a bug, not data.
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k) || k === '__proto__') throw new Error(`cannot emit the key ${JSON.stringify(k)}`);
      return `${k}: ${dataLiteral(x)}`;
    });
    return `{ ${parts.join(', ')} }`;
  }
  throw new Error(`cannot emit a ${typeof v}`);
}

/** An identifier (never policy text) that stands for the inline blob until it is spliced in. */
const DATA_PLACEHOLDER = '__HUSH_INLINE_DATA__';

export type DataPlacement = 'auto' | 'inline' | 'sidecar' | 'external';

export interface CompileToModuleOptions {
  /** The module's file name without extension (default `policy`): `policy.mjs`, `policy.d.ts`. */
  baseName?: string;
  /**
   * Where the data blob goes: `inline` (base64 inside the module), `sidecar` (`<base>.data.bin`
   * beside it), `external` (neither: the caller passes the bytes to `createPolicy`), or `auto`
   * (inline up to `inlineLimit` bytes, else sidecar). Default `auto`.
   */
  data?: DataPlacement;
  inlineLimit?: number;
}

/** Inline data up to 1 MiB; measured in bench/RESULTS.md ("## Engine"). */
export const DEFAULT_INLINE_LIMIT = 1 << 20;

export interface CompiledModule {
  /** The module (`<base>.mjs`). */
  js: string;
  /** Its types (`<base>.d.ts`). */
  dts: string;
  /** The data blob (always returned; written beside the module only for a sidecar). */
  data: Uint8Array;
  /** The sidecar's file name, when the module reads one. */
  dataFile: string | null;
  hash: string;
  plan: PolicyData['counts'];
}

const has = (r: IrRule, type: string) => r.triggers.some((t) => t.type === type);

// The IR's records rebuilt with their keys in the order runtime/ir.ts declares them, so that the
// emitted literals do not depend on how the IR was built or parsed (same IR, same bytes).
const locData = (l: IrLoc) => ({ file: l.file, line: l.line, column: l.column, endLine: l.endLine, endColumn: l.endColumn });

function actionData(a: IrAction): IrAction {
  switch (a.type) {
    case 'warn':
      return { type: 'warn', text: a.text };
    case 'mute':
      return { type: 'mute', ms: a.ms };
    case 'blacklist':
      return { type: 'blacklist', scope: a.scope };
    case 'notify':
      return { type: 'notify', target: a.target };
    case 'record':
      return { type: 'record', category: a.category };
    default:
      return { type: a.type };
  }
}

function stepData(s: IrStep): IrStep {
  return { number: s.number, sanctions: s.sanctions.map((x) => ({ sanction: x.sanction, ms: x.ms })), appealable: s.appealable, loc: locData(s.loc) };
}

function ladderData(l: IrLadder): IrLadder {
  return { name: l.name, loc: locData(l.loc), counts: l.counts, steps: l.steps.map(stepData), severe: l.severe ? stepData(l.severe) : null, expireAfterMs: l.expireAfterMs, members: l.members, linked: l.linked && { sanctions: l.linked.sanctions, restoreWithinMs: l.linked.restoreWithinMs, loc: locData(l.linked.loc) }, ...(l.customers ? { customers: true as const } : {}) };
}

function quotaData(q: IrContactQuota): IrContactQuota {
  return {
    loc: locData(q.loc),
    base: q.base,
    adjustments: q.adjustments.map((a) => ({ delta: a.delta, factor: a.factor, op: a.op, value: a.value, loc: locData(a.loc) })),
    minimum: q.minimum,
    maximum: q.maximum,
    utcOffsetMinutes: q.utcOffsetMinutes,
  };
}

/** The candidate-selection facts of one rule (see RuleMeta in runtime/policy/generated/policy-core.ts). */
function ruleMeta(r: IrRule, plan: PolicyData['rules'][number]): unknown[] {
  let bits = 0;
  if (has(r, 'image')) bits |= META_IMAGE;
  if (has(r, 'identity')) bits |= META_IDENTITY;
  if (has(r, 'new-member')) bits |= META_NEW_MEMBER;
  let length = -1;
  const floods: number[] = [];
  for (const t of r.triggers) {
    if (t.type === 'length') length = length < 0 ? t.max : Math.min(length, t.max);
    if (t.type === 'flood') floods.push(t.count, t.windowMs);
  }
  return [plan.profile, plan.linkList, plan.miniprogramList, plan.cardList, bits, length, floods];
}

/** A rule's *shape*: the sequence of its `when` lines. Rules of one shape share one function. */
const shapeOf = (r: IrRule) => r.triggers.map((t) => t.type).join(',');

/**
 * A rule's parameter row: per `when` line, in order, its numbers: keyword [actions]; link,
 * miniprogram, card [whitelist, actions]; image [actions]; flood [window, count, actions];
 * identity [identities, actions]; new-member [within, actions]; length [max, actions].
 */
function ruleParams(r: IrRule, plan: PolicyData['rules'][number], actionIndex: (ti: number) => number, identityIndex: (ti: number) => number): number[] {
  const out: number[] = [];
  r.triggers.forEach((t, ti) => {
    switch (t.type) {
      case 'link':
        out.push(plan.linkList);
        break;
      case 'miniprogram':
        out.push(plan.miniprogramList);
        break;
      case 'card':
        out.push(plan.cardList);
        break;
      case 'flood':
        out.push(t.windowMs, t.count);
        break;
      case 'identity':
        out.push(identityIndex(ti));
        break;
      case 'new-member':
        out.push(t.withinMs);
        break;
      case 'length':
        out.push(t.max);
        break;
    }
    out.push(actionIndex(ti));
  });
  return out;
}

/**
 * What the columns of a rule's parameter row (ruleParams) are, per `when` line in order, e.g.
 * `link [whitelist, ACTIONS]`: trigger types and fixed words only, never policy text.
 */
function ruleParamColumns(r: IrRule): string {
  return r.triggers
    .map((t) => {
      const columns: Record<IrRule['triggers'][number]['type'], string[]> = {
        keyword: [],
        link: ['whitelist'],
        miniprogram: ['whitelist'],
        card: ['whitelist'],
        image: [],
        flood: ['windowMs', 'limit'],
        identity: ['IDENTITIES'],
        'new-member': ['withinMs'],
        length: ['max'],
      };
      return `${t.type} [${[...columns[t.type], 'ACTIONS'].join(', ')}]`;
    })
    .join(', ');
}

/**
 * The body of a shape's function `(msg, ctx, out, rule, params)`: the `when` lines in order,
 * straight-line, for rule number `rule` with parameter row `params` (see ruleParams), asking the
 * MessageContext `ctx`. `firings`: `shape<n>`, which pushes a RuleFiring per line that fires onto
 * `out` (`evaluateMessage`); else `decide<n>`, which gives the outcome builder `out` a match with
 * the first evidence and the actions (`decideMessage`).
 */
function shapeFunctionBody(r: IrRule, firings: boolean): WriterFunction {
  return (w) => {
    const needs = new Set(r.triggers.map((t) => t.type));
    const vars = [
      ...(['keyword', 'link', 'miniprogram', 'card', 'identity'].some((t) => needs.has(t as never)) ? ['evidence'] : []),
      ...(needs.has('flood') ? ['count'] : []),
      ...(needs.has('length') ? ['length'] : []),
      ...(needs.has('new-member') ? ['joinedAt'] : []),
    ];
    if (vars.length > 0) w.writeLine(`let ${vars.join(', ')};`);
    let k = 0;
    const param = () => `params[${k++}]`;
    const seen = new Set<string>();
    r.triggers.forEach((t, ti) => {
      // `list`: the evidence is a list (its first element is the match's); else one object.
      const fire = (evidence: string, list: boolean) => {
        if (firings) return `out.push({ rule: RULE_NAMES[rule], trigger: ${stringLiteral(t.type)}, triggerIndex: ${ti}, evidence: ${list ? evidence : `[${evidence}]`}, actions: ACTIONS[${param()}] });`;
        const method = seen.has(t.type) ? 'fireAgain' : 'fire';
        return `out.${method}(RULE_NAMES[rule], ${stringLiteral(t.type)}, ${list ? `${evidence}[0]` : evidence}, ACTIONS[${param()}]);`;
      };
      switch (t.type) {
        case 'keyword':
          w.writeLine(firings ? `if ((evidence = ctx.keywordEvidence(rule)) !== null) ${fire('evidence', true)}` : `if ((evidence = ctx.firstKeywordEvidence(rule)) !== null) ${fire('evidence', false)}`);
          break;
        case 'link':
          w.writeLine(`if ((evidence = ctx.linkEvidence(${param()})) !== null) ${fire('evidence', true)}`);
          break;
        case 'miniprogram':
          w.writeLine(`if ((evidence = ctx.miniprogramEvidence(${param()})) !== null) ${fire('evidence', true)}`);
          break;
        case 'card':
          w.writeLine(`if ((evidence = ctx.cardEvidence(${param()})) !== null) ${fire('evidence', true)}`);
          break;
        case 'image':
          w.writeLine(`if (msg.images > 0) ${fire('{ images: msg.images }', false)}`);
          break;
        case 'flood': {
          const windowMs = param();
          const limit = param();
          w.writeLine(`if ((count = ctx.floodCount(${windowMs})) > ${limit}) ${fire(`{ count: count, limit: ${limit}, windowMs: ${windowMs} }`, false)}`);
          break;
        }
        case 'identity':
          w.writeLine(`if ((evidence = ctx.identityEvidence(IDENTITIES[${param()}])) !== null) ${fire('evidence', true)}`);
          break;
        case 'new-member': {
          const within = param();
          w.writeLine(`if ((joinedAt = ctx.joinedAt()) !== null && msg.at >= joinedAt && msg.at - joinedAt < ${within}) ${fire(`{ joinedAt: new Date(joinedAt).toISOString(), withinMs: ${within} }`, false)}`);
          break;
        }
        case 'length': {
          const max = param();
          w.writeLine(`if ((length = ctx.textLength()) > ${max}) ${fire(`{ length: length, max: ${max} }`, false)}`);
          break;
        }
      }
      seen.add(t.type);
    });
  };
}

const HEADER = [
  '// Generated by "hush compile" from the IR of a policy set. Do not edit: compile again.',
  '// Every text of the policy below is data (escaped string literals or the data blob), never code.',
  '// Use: createPolicy(runtime, data?), where runtime is the runtime support object of Hush',
  '// (compiledRuntime of runtime/policy/generated/compiled-support.ts); the result implements CompiledPolicy.',
].join('\n');

function emitModule(sf: SourceFile, ir: IrPolicySet, plan: PolicyData, hash: string, placement: 'inline' | 'sidecar' | 'external', data: Uint8Array, dataFile: string | null): void {
  const actions: IrAction[][] = [];
  const identities: string[][] = [];
  const actionIndexOf: number[][] = [];
  const identityIndexOf: number[][] = [];
  // Identical lists of actions are one list: rules that share one hand the engine the same
  // array, and its merge takes a run of firings with the same actions once (mergeActions).
  const actionIndexByText = new Map<string, number>();
  const actionIndex = (list: IrAction[]) => {
    const text = JSON.stringify(list);
    let i = actionIndexByText.get(text);
    if (i === undefined) actionIndexByText.set(text, (i = actions.push(list) - 1));
    return i;
  };
  ir.rules.forEach((r, ri) => {
    actionIndexOf[ri] = r.triggers.map((t) => actionIndex(t.actions.map(actionData)));
    identityIndexOf[ri] = r.triggers.map((t) => (t.type === 'identity' ? identities.push(t.identities) - 1 : -1));
  });

  if (placement === 'sidecar') {
    sf.addImportDeclaration({ moduleSpecifier: 'node:fs', namedImports: ['readFileSync'] });
  }
  /**
   * A constant; `init` as a list of lines is written as an array literal, one element a line,
   * each after its line of `comments` when given (fixed words and numbers only, never policy text).
   */
  const constant = (name: string, init: string | string[], exported = false, docs?: string, comments?: string[]) =>
    sf.addStatements((w) => {
      if (docs) w.writeLine(`/** ${docs} */`);
      const head = `${exported ? 'export ' : ''}const ${name} = `;
      if (typeof init === 'string') {
        w.writeLine(`${head}${init};`);
        return;
      }
      w.writeLine(`${head}[`);
      init.forEach((line, i) => {
        if (comments) w.writeLine(`  // ${comments[i]}`);
        w.writeLine(`  ${line}${i + 1 < init.length ? ',' : ''}`);
      });
      w.writeLine('];');
    });
  constant('irVersion', numberLiteral(ir.version), true, 'The IR version this module was generated from.');
  constant('hash', stringLiteral(hash), true, 'The content hash of the IR (hush compile --check compares it).');
  constant('supportVersion', numberLiteral(SUPPORT_VERSION), true, 'The version of the runtime support object that createPolicy needs.');
  constant('dataFile', dataFile === null ? 'null' : stringLiteral(dataFile), true, 'The sidecar data file read at load time, or null.');
  constant('RULE_NAMES', dataLiteral(ir.rules.map((r) => r.name)), false, 'Rule names, by rule number.');
  constant('LADDERS', `JSON.parse(${stringLiteral(JSON.stringify(ir.ladders.map(ladderData)))})`, false, 'The penalty ladders (for the engine).');
  constant('QUOTA', `JSON.parse(${stringLiteral(JSON.stringify(ir.contactQuota ? quotaData(ir.contactQuota) : null))})`, false, 'The daily contact-add quota (for the engine), or null.');
  constant('PROFILES', dataLiteral(plan.profiles), false, 'Normalisation profiles, by profile number.');
  constant(
    'RULES',
    ir.rules.map((r, ri) => dataLiteral(ruleMeta(r, plan.rules[ri]))),
    false,
    'Per rule: keyword profile, link, mini-program and card whitelists, trigger bits, shortest length limit, floods.',
  );
  // Pattern keywords, only when the policy has some (a policy without gives the module it gave
  // before patterns existed): JSON text handed to re2js, never code.
  const patternSpecs = ir.rules.flatMap((r, ri) => (r.patterns && plan.rules[ri].profile >= 0 ? [[ri, r.patterns.map((p) => p.pattern), r.exceptions]] : []));
  if (patternSpecs.length > 0) {
    constant('PATTERNS', `JSON.parse(${stringLiteral(JSON.stringify(patternSpecs))})`, false, 'Per rule with patterns: its number, its patterns (RE2 syntax, data for re2js) and its exception phrases.');
  }
  // The set's own variant lines, only where the runtime reads them: the exception phrases of
  // pattern rules are expanded when the module loads (the keyword automaton in the blob already
  // holds every spelling). JSON text, never code.
  const variantsSpec = patternSpecs.length > 0 && ir.variants ? ir.variants.map((v) => ({ word: v.word, spellings: v.spellings })) : null;
  if (variantsSpec) {
    constant('VARIANTS', `JSON.parse(${stringLiteral(JSON.stringify(variantsSpec))})`, false, 'The set\'s own variant lines (word and spellings), for the exception phrases of pattern rules.');
  }
  // Rules' own exemptions and windows, only when some rule has them: JSON text, never code.
  // The window is rebuilt field by field, so the bytes do not depend on the IR's key order.
  const gateSpecs = ir.rules.flatMap((r, ri) => {
    if (!r.exempt && !r.window) return [];
    const w = r.window;
    return [[ri, r.exempt ?? [], w ? { times: w.times.map((t) => ({ start: t.start, end: t.end })), days: w.days, utcOffsetMinutes: w.utcOffsetMinutes } : null]];
  });
  if (gateSpecs.length > 0) {
    constant('GATES', `JSON.parse(${stringLiteral(JSON.stringify(gateSpecs))})`, false, 'Per rule with its own exempt customers or `during` windows: its number, the customers, the window (data).');
  }
  constant('ACTIONS', actions.map(dataLiteral), false, 'The distinct lists of actions of the when lines (RULE_PARAMS refers to them by index).');
  constant('IDENTITIES', dataLiteral(identities), false, 'The identities of every identity trigger (RULE_PARAMS refers to them by index).');
  const shapes = new Map<string, number>();
  const shapeRules: IrRule[] = [];
  const shapeOfRule = ir.rules.map((r) => {
    const key = shapeOf(r);
    let i = shapes.get(key);
    if (i === undefined) {
      i = shapeRules.push(r) - 1;
      shapes.set(key, i);
    }
    return i;
  });
  constant('RULE_SHAPE', dataLiteral(shapeOfRule), false, 'The shape of every rule, by rule number: n for the functions shape<n> and decide<n>.');
  constant(
    'RULE_PARAMS',
    ir.rules.map((r, ri) => dataLiteral(ruleParams(r, plan.rules[ri], (ti) => actionIndexOf[ri][ti], (ti) => identityIndexOf[ri][ti]))),
    false,
    'The parameter row of every rule, by rule number (the params of its shape function): per when line, its whitelist, counts, limits and actions.',
    ir.rules.map((r, ri) => `rule ${ri} (RULE_NAMES[${ri}]), shape${shapeOfRule[ri]}: ${ruleParamColumns(r)}`),
  );
  // The blob is spliced in after printing (see compileToModule): tens of megabytes of literal
  // would only slow ts-morph down.
  if (placement === 'inline') constant('DATA', DATA_PLACEHOLDER, false, 'The data blob, base64.');

  const dataExpr =
    placement === 'inline'
      ? 'DATA'
      : placement === 'sidecar'
        ? 'readFileSync(new URL(dataFile, import.meta.url))'
        : 'undefined';
  sf.addFunction({
    isExported: true,
    name: 'createPolicy',
    parameters: [{ name: 'runtime' }, { name: 'data' }],
    docs: ['Builds the policy from the runtime support object and, optionally, the data blob.'],
    statements: (w) => {
      w.writeLine('if (!runtime || runtime.version !== supportVersion) {');
      w.writeLine('  throw new Error("this policy module needs the Hush runtime support, version " + supportVersion);');
      w.writeLine('}');
      if (placement === 'external') {
        w.writeLine('if (data === undefined) throw new Error("this policy module needs its data blob");');
      }
      if (gateSpecs.length > 0) w.writeLine('if (runtime.gates !== true) throw new Error("this policy module has rule windows or exemptions: it needs a Hush runtime support that reads them");');
      if (patternSpecs.length > 0) w.writeLine('if (runtime.patterns !== true) throw new Error("this policy module has patterns: it needs a Hush runtime support that reads them");');
      if (variantsSpec) w.writeLine('if (runtime.variants !== true) throw new Error("this policy module has variant lines: it needs a Hush runtime support that reads them");');
      for (const [prefix, firings] of [['shape', true], ['decide', false]] as const) {
        shapeRules.forEach((r, si) => {
          w.writeLine(`// ${firings ? 'Evaluates' : 'Decides'} the when lines ${r.triggers.map((t) => t.type).join(', ')}.`);
          w.writeLine(`function ${prefix}${si}(msg, ctx, out, rule, params) {`);
          w.indent(() => shapeFunctionBody(r, firings)(w));
          w.writeLine('}');
        });
      }
      w.writeLine('return runtime.createCompiledPolicy(');
      w.indent(() => {
        w.writeLine(`{ irVersion, hash, data: data ?? ${dataExpr}, names: RULE_NAMES, ladders: LADDERS, contactQuota: QUOTA, profiles: PROFILES, rules: RULES${patternSpecs.length > 0 ? ', patterns: PATTERNS' : ''}${variantsSpec ? ', variants: VARIANTS' : ''}${gateSpecs.length > 0 ? ', gates: GATES' : ''} },`);
        w.writeLine(`[${shapeRules.map((_, si) => `shape${si}`).join(', ')}],`);
        w.writeLine(`[${shapeRules.map((_, si) => `decide${si}`).join(', ')}],`);
        w.writeLine('RULE_SHAPE,');
        w.writeLine('RULE_PARAMS,');
      });
      w.writeLine(');');
    },
  });
}

/** Generates the module, its types and its data blob from the IR. Same IR, same bytes. */
export function compileToModule(ir: IrPolicySet, options: CompileToModuleOptions = {}): CompiledModule {
  const base = options.baseName ?? 'policy';
  const plan = irToData(ir);
  const data = encodeBlob(plan.sections);
  const hash = irHash(ir);
  const wanted = options.data ?? 'auto';
  const placement = wanted === 'auto' ? (data.length <= (options.inlineLimit ?? DEFAULT_INLINE_LIMIT) ? 'inline' : 'sidecar') : wanted;
  const dataFile = placement === 'sidecar' ? `${base}.data.bin` : null;
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { allowJs: true },
    manipulationSettings: { indentationText: IndentationText.TwoSpaces },
  });
  const js = project.createSourceFile(`/${base}.js`, HEADER + '\n');
  emitModule(js, ir, plan, hash, placement, data, dataFile);
  const dts = project.createSourceFile(`/${base}.d.ts`, '');
  emitTypes(dts);
  let text = js.getFullText();
  if (placement === 'inline') {
    const at = text.indexOf(DATA_PLACEHOLDER);
    text = text.slice(0, at) + stringLiteral(blobToBase64(data)) + text.slice(at + DATA_PLACEHOLDER.length);
  }
  return { js: text, dts: dts.getFullText(), data, dataFile, hash, plan: plan.counts };
}
