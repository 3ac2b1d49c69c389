// Validates the data of a YAML policy against the JSON Schema (policy-schema.ts) with ajv, and
// explains every failure as a problem at one place in the data, in the user's terms. ajv is the
// authority on what is valid; when it says no, this file walks the schema beside the data to say
// where and why. For an `anyOf` it picks the alternative the author evidently meant (by the
// type of the value, then by the keys of a mapping) and explains only that one, so `{mute: 30x}`
// is a bad duration, not "matches none of seven actions". Only the keywords the schema uses are
// handled: $ref, anyOf, type, enum, pattern, minimum, minItems, minProperties, required,
// properties, additionalProperties: false, items.
import { Ajv, type ValidateFunction } from 'ajv';
import { POLICY_SCHEMA, SCHEMA_ANNOTATIONS } from './policy-schema.ts';
import { closest, YAML_TOLERANCE } from './suggest.ts';

type Schema = Record<string, unknown>;
export type Segment = string | number;

/** Where a problem is underlined: the value itself, the key of the property, or a mapping's head. */
export type Anchor = 'value' | 'key' | 'head';

export interface SchemaProblem {
  path: Segment[];
  code: string;
  message: string;
  help?: string;
  anchor: Anchor;
  /**
   * True when the problem makes the value unusable, so the statement holding it is left out of
   * the AST; false for an unknown property, which is only ignored.
   */
  fatal: boolean;
  /** Left to a later phase (see DEFERRED): not reported here. */
  deferred?: boolean;
}

const defs = POLICY_SCHEMA.definitions as Record<string, Schema>;

/**
 * Problems the schema describes for the editor's sake but the front end leaves to a later phase,
 * so that both forms of the language report them with the same code: the syntax of a duration
 * (parseDuration, `hush/syntax/bad-duration`) and unknown normalisation steps (the checker's
 * `hush/semantic/unknown-normalize-step`).
 */
const DEFERRED = new Set<Schema>([defs.duration, (defs.normalize as { items: Schema }).items]);
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The ajv validator of the schema at a JSON pointer inside the policy schema (`''` for the root). */
function validator(pointer: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    ajv.addVocabulary([...SCHEMA_ANNOTATIONS]);
    ajv.addSchema(POLICY_SCHEMA, 'policy');
  }
  let v = validators.get(pointer);
  if (!v) {
    v = pointer === '' ? ajv.getSchema('policy')! : ajv.compile({ $ref: `policy#${pointer}` });
    validators.set(pointer, v);
  }
  return v;
}

/** A schema together with its JSON pointer, so ajv can validate it on its own. */
interface At {
  schema: Schema;
  pointer: string;
}

function resolve(at: At): At {
  let cur = at;
  for (let i = 0; i < 20 && typeof cur.schema.$ref === 'string'; i++) {
    const pointer = (cur.schema.$ref as string).slice(1);
    const name = pointer.split('/').pop()!;
    const target = defs[name];
    // A $ref with sibling annotations (title, description) keeps them for messages.
    const { $ref: _ref, ...siblings } = cur.schema;
    cur = { schema: { ...target, ...siblings, __target: target }, pointer };
  }
  return cur;
}

/** The definition a resolved schema came from (for the deferred set), or the schema itself. */
const origin = (s: Schema): Schema => (s.__target as Schema | undefined) ?? s;

const child = (at: At, ...keys: (string | number)[]): At => {
  let schema: unknown = at.schema;
  for (const k of keys) schema = (schema as Record<string | number, unknown>)[k];
  return { schema: schema as Schema, pointer: `${at.pointer}/${keys.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` };
};

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

function typeOf(data: unknown): JsonType {
  if (data === null || data === undefined) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data === 'number') return Number.isInteger(data) ? 'integer' : 'number';
  if (typeof data === 'string' || typeof data === 'boolean') return typeof data as JsonType;
  return 'object';
}

function typeMatches(schema: Schema, data: unknown): boolean {
  const t = schema.type;
  if (t === undefined) return true;
  const types = (Array.isArray(t) ? t : [t]) as JsonType[];
  const actual = typeOf(data);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

const article = (noun: string) => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function describe(data: unknown): string {
  switch (typeOf(data)) {
    case 'null':
      return 'nothing';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    case 'boolean':
      return `\`${String(data)}\``;
    case 'string':
      return `the string \`${show(data)}\``;
    default:
      return `the number \`${String(data)}\``;
  }
}

/** The noun of a schema: its definition's title, else its own. */
function nounOf(schema: Schema): string | undefined {
  const t = origin(schema).title ?? schema.title;
  return typeof t === 'string' ? t : undefined;
}

/** What a schema expects, as a phrase: "a duration", "a string", "a list". */
function expectedOf(schema: Schema): string {
  const t = schema.type;
  const types = (Array.isArray(t) ? t : [t]) as (string | undefined)[];
  const noun = nounOf(schema);
  if (types.includes('string') && typeof schema.pattern === 'string' && noun) return article(noun);
  if (types.includes('string')) return 'a string';
  if (types.includes('integer')) return 'a whole number';
  if (types.includes('boolean')) return '`true` or `false`';
  if (types.includes('array')) return 'a list';
  if (types.includes('object')) return 'a mapping';
  return noun ? article(noun) : 'something else';
}

/** A schema's description as a line of help: "a list of entries (…), …". */
function helpOf(schema: Schema): string | undefined {
  const d = origin(schema).description ?? schema.description;
  if (typeof d !== 'string') return undefined;
  return d.charAt(0).toLowerCase() + d.slice(1).replace(/\.$/, '');
}

const closestWord = (word: string, options: readonly string[]) => closest(word, options, YAML_TOLERANCE);

const list = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(', ');

function suggest(word: string, options: readonly string[]): string {
  const c = closestWord(word, options);
  return c ? `did you mean \`${c}\`?` : `expected one of ${list(options)}`;
}

/** The alternatives of an anyOf, with nested anyOfs (an `owners` of `owner`s) flattened. */
function alternatives(at: At): At[] {
  const out: At[] = [];
  const branches = at.schema.anyOf as Schema[];
  branches.forEach((_, i) => {
    const b = resolve(child(at, 'anyOf', i));
    if (Array.isArray(b.schema.anyOf) && b.schema.type === undefined) out.push(...alternatives(b));
    else out.push(b);
  });
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';

class Explainer {
  readonly problems: SchemaProblem[] = [];

  private add(path: Segment[], code: string, message: string, anchor: Anchor, help?: string, fatal = true): void {
    const p: SchemaProblem = { path, code, message, anchor, fatal };
    if (help) p.help = help;
    this.problems.push(p);
  }

  /** Notes a problem a later phase reports, so ajv's verdict is accounted for. */
  private defer(path: Segment[]): void {
    this.problems.push({ path, code: '', message: '', anchor: 'value', fatal: false, deferred: true });
  }

  explain(at0: At, data: unknown, path: Segment[]): void {
    const at = resolve(at0);
    const s = at.schema;
    if (Array.isArray(s.anyOf)) return this.anyOf(at, data, path);
    if (!typeMatches(s, data)) {
      const found = typeOf(data);
      let help: string | undefined;
      const wantsText = Array.isArray(s.type) ? (s.type as string[]).includes('string') : s.type === 'string';
      if (origin(s) === defs.duration && (found === 'integer' || found === 'number')) help = `add a unit: \`${String(data)}m\`, \`${String(data)}h\`…`;
      else if (wantsText && (found === 'boolean' || found === 'integer' || found === 'number')) help = `quote it: \`"${String(data)}"\``;
      else if (s.type === 'array' && found !== 'null') help = `write a list: \`[${show(data)}]\``;
      this.add(path, 'hush/yaml/wrong-type', `expected ${expectedOf(s)}, found ${describe(data)}`, found === 'null' ? 'key' : 'value', help);
      return;
    }
    const deferred = DEFERRED.has(origin(s));
    if (Array.isArray(s.enum) && !s.enum.includes(data)) {
      if (deferred && typeof data === 'string' && IDENT.test(data)) return this.defer(path);
      const options = (s.enum as unknown[]).map(String);
      this.add(path, 'hush/yaml/unknown-value', `unknown value \`${show(data)}\``, 'value', suggest(String(data), options));
      return;
    }
    if (typeof s.pattern === 'string' && typeof data === 'string' && !new RegExp(s.pattern, 'u').test(data)) {
      if (deferred) return this.defer(path);
      this.add(path, 'hush/yaml/bad-name', `\`${show(data)}\` is not a valid name`, 'value', 'a name starts with a letter or `_` and holds letters, digits, `-` and `_`');
      return;
    }
    if (typeof s.minimum === 'number' && typeof data === 'number' && data < s.minimum) {
      this.add(path, 'hush/yaml/schema', `expected a number of at least ${s.minimum}, found ${data}`, 'value');
      return;
    }
    if (Array.isArray(data)) {
      if (typeof s.minItems === 'number' && data.length < s.minItems) {
        const name = [...path].reverse().find((x) => typeof x === 'string');
        this.add(path, 'hush/yaml/empty', `${name ? `\`${name}\`` : 'the list'} is empty`, 'value', 'give at least one item, or leave the property out');
      }
      if (s.items) data.forEach((x, i) => this.explain(child(at, 'items'), x, [...path, i]));
      return;
    }
    if (isRecord(data)) this.object(at, data, path);
  }

  private object(at: At, data: Record<string, unknown>, path: Segment[]): void {
    const s = at.schema;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const names = Object.keys(props);
    const keys = Object.keys(data);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) {
      this.add(path, 'hush/yaml/empty', `expected at least one of ${list(names)}`, 'head');
    }
    for (const k of keys) {
      if (!(k in props)) this.add([...path, k], 'hush/yaml/unknown-property', `unknown property \`${show(k)}\``, 'key', suggest(k, names), false);
    }
    for (const r of (s.required ?? []) as string[]) {
      if (!(r in data)) this.add(path, 'hush/yaml/missing-property', `missing property \`${r}\``, 'head', props[r] ? helpOf(props[r]) : undefined);
    }
    for (const k of keys) if (k in props) this.explain(child(at, 'properties', k), data[k], [...path, k]);
  }

  private anyOf(at: At, data: unknown, path: Segment[]): void {
    const alts = alternatives(at);
    if (alts.some((a) => validator(a.pointer)(data))) return;
    const typed = alts.filter((a) => typeMatches(a.schema, data) && (!Array.isArray(a.schema.enum) || a.schema.enum.includes(data) || typeof data !== 'string'));
    // A bare word where a mapping is needed: `mute` for `{mute: 30m}`.
    if (typeof data === 'string' && !typed.some((a) => Array.isArray(a.schema.enum) && a.schema.enum.includes(data))) {
      const wanting = alts.find((a) => ((a.schema.required ?? []) as string[]).includes(data));
      if (wanting) {
        this.add(path, 'hush/yaml/wrong-type', `\`${data}\` needs a value`, 'value', `write \`{${data}: …}\``);
        return;
      }
    }
    const noun = nounOf(at.schema) ?? 'value';
    if (typed.length === 0) {
      // A word that is none of the words allowed here: say which are.
      const words = alts.flatMap((a) => (Array.isArray(a.schema.enum) ? (a.schema.enum as unknown[]).map(String) : []));
      if (typeof data === 'string' && words.length > 0 && alts.some((a) => typeMatches(a.schema, data) && Array.isArray(a.schema.enum)) && alts.every((a) => !typeMatches(a.schema, data) || Array.isArray(a.schema.enum))) {
        this.add(path, 'hush/yaml/unknown-value', `unknown ${noun} \`${show(data)}\``, 'value', closestWord(data, words) ? suggest(data, words) : helpOf(at.schema));
        return;
      }
      this.add(path, 'hush/yaml/wrong-type', `expected ${article(noun)}, found ${describe(data)}`, typeOf(data) === 'null' ? 'key' : 'value', helpOf(at.schema));
      return;
    }
    if (typed.length === 1) return this.explain(typed[0], data, path);
    if (isRecord(data)) {
      // Several mappings: the one whose keys the value uses most.
      const keys = Object.keys(data);
      const score = (a: At) => keys.filter((k) => k in ((a.schema.properties ?? {}) as object)).length;
      const best = Math.max(...typed.map(score));
      const top = typed.filter((a) => score(a) === best);
      if (best > 0 && top.length === 1) return this.explain(top[0], data, path);
      if (best > 0) {
        // Tied mappings that differ by one required key: `from` or `customers`.
        const missing = top.map((a) => ((a.schema.required ?? []) as string[]).filter((r) => !(r in data)));
        if (missing.every((m) => m.length === 1)) {
          this.add(path, 'hush/yaml/missing-property', `missing property ${missing.map((m) => `\`${m[0]}\``).join(' or ')}`, 'head');
          return;
        }
        return this.explain(top[0], data, path);
      }
      const all = [...new Set(typed.flatMap((a) => Object.keys((a.schema.properties ?? {}) as object)))];
      if (keys.length === 1) {
        this.add([...path, keys[0]], 'hush/yaml/unknown-property', `unknown property \`${show(keys[0])}\``, 'key', closestWord(keys[0], all) ? suggest(keys[0], all) : helpOf(at.schema));
      } else {
        this.add(path, 'hush/yaml/schema', `expected ${article(noun)}`, keys.length ? 'head' : 'value', helpOf(at.schema));
      }
      return;
    }
    // Several alternatives of the same non-mapping type: the first decides.
    this.explain(typed[0], data, path);
  }
}

export interface SchemaCheck {
  valid: boolean;
  problems: SchemaProblem[];
}

/** Validates data built from a YAML document; never throws. */
export function checkSchema(data: unknown): SchemaCheck {
  const validate = validator('');
  if (validate(data)) return { valid: true, problems: [] };
  const e = new Explainer();
  e.explain({ schema: POLICY_SCHEMA, pointer: '' }, data, []);
  if (e.problems.length === 0) {
    // ajv found something the explainer does not know how to say: report ajv's own words.
    for (const err of validate.errors ?? []) {
      const path = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      e.problems.push({ path, code: 'hush/yaml/schema', message: err.message ?? 'invalid value', anchor: 'value', fatal: true });
    }
  }
  return { valid: false, problems: e.problems.filter((p) => !p.deferred) };
}
