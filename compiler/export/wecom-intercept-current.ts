// The intercept rules WeCom has now, as its API gives them (document 95130):
// `get_intercept_rule_list` lists every rule of the enterprise (rule_id, rule_name,
// create_time); `get_intercept_rule` gives one rule's words, semantics, intercept type and range.
// A current-state file (`hush export wecom-intercept --plan current.json`) holds both:
//
//   { "rule_list": [ …the list reply's rule_list… ],
//     "rules": [ …each rule's get_intercept_rule reply, or just its `rule`… ] }
//
// The file is input like any other: it is validated (ajv) and every problem is a diagnostic
// with the JSON path it is at, never a crash.
import { Ajv, type ErrorObject } from 'ajv';
import { diagnostic, START_RANGE, type Diagnostic } from '../../language/diagnostic.ts';
import { isManagedName } from './wecom-intercept-names.ts';

/** One rule as WeCom has it. */
export interface CurrentRule {
  rule_id: string;
  rule_name: string;
  /** Absent for a rule Hush does not manage and whose detail was not given. */
  detail?: {
    word_list: string[];
    semantics_list: number[];
    intercept_type: number;
    user_list: string[];
    department_list: number[];
  };
}

const ID = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] };
const RANGE = {
  type: 'object',
  properties: {
    user_list: { type: 'array', items: { type: 'string' } },
    department_list: { type: 'array', items: { type: 'integer' } },
  },
};
const RULE = {
  type: 'object',
  required: ['rule_id', 'word_list', 'intercept_type'],
  properties: {
    rule_id: ID,
    rule_name: { type: 'string' },
    word_list: { type: 'array', items: { type: 'string' } },
    extra_rule: { type: 'object', properties: { semantics_list: { type: 'array', items: { type: 'integer' } } } },
    semantics_list: { type: 'array', items: { type: 'integer' } },
    intercept_type: { type: 'integer' },
    applicable_range: RANGE,
  },
};
const SCHEMA = {
  type: 'object',
  required: ['rule_list', 'rules'],
  properties: {
    rule_list: {
      type: 'array',
      items: { type: 'object', required: ['rule_id', 'rule_name'], properties: { rule_id: ID, rule_name: { type: 'string' }, create_time: { type: 'integer' } } },
    },
    rules: { type: 'array', items: { anyOf: [RULE, { type: 'object', required: ['rule'], properties: { rule: RULE } }] } },
  },
};

let validate: ReturnType<Ajv['compile']> | undefined;

function explain(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`;
}

type RawRule = {
  rule_id: string | number;
  rule_name?: string;
  word_list: string[];
  extra_rule?: { semantics_list?: number[] };
  semantics_list?: number[];
  intercept_type: number;
  applicable_range?: { user_list?: string[]; department_list?: number[] };
};

/**
 * Reads a current-state file's text. `file` is the name diagnostics use. Returns the rules
 * sorted by rule_id, or diagnostics (`hush/wecom-intercept/bad-current`) and no rules.
 */
export function parseCurrentRules(text: string, file: string): { rules: CurrentRule[] | null; diagnostics: Diagnostic[] } {
  const bad = (message: string) => ({
    rules: null,
    diagnostics: [diagnostic('hush/wecom-intercept/bad-current', 'error', message, file, START_RANGE, { help: 'give the rule_list of get_intercept_rule_list and, in `rules`, the get_intercept_rule reply of each rule' })],
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return bad(`the current rules are not JSON: ${(e as Error).message}`);
  }
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(SCHEMA);
  if (!validate(raw)) return bad(`the current rules are not WeCom's shape: ${validate.errors?.map(explain).join('; ')}`);
  const data = raw as { rule_list: { rule_id: string | number; rule_name: string }[]; rules: (RawRule | { rule: RawRule })[] };

  const details = new Map<string, RawRule>();
  for (const item of data.rules) {
    const r = 'rule' in item ? item.rule : item;
    const id = String(r.rule_id);
    if (details.has(id)) return bad(`rules has rule_id ${JSON.stringify(id)} twice`);
    details.set(id, r);
  }
  const seen = new Set<string>();
  const rules: CurrentRule[] = [];
  for (const entry of data.rule_list) {
    const id = String(entry.rule_id);
    if (seen.has(id)) return bad(`rule_list has rule_id ${JSON.stringify(id)} twice`);
    seen.add(id);
    const d = details.get(id);
    if (d === undefined) {
      if (isManagedName(entry.rule_name)) return bad(`rule_list names ${JSON.stringify(entry.rule_name)} (rule_id ${JSON.stringify(id)}) but rules has no detail for it`);
      rules.push({ rule_id: id, rule_name: entry.rule_name });
      continue;
    }
    const range = d.applicable_range ?? {};
    rules.push({
      rule_id: id,
      rule_name: entry.rule_name,
      detail: {
        word_list: d.word_list,
        semantics_list: d.extra_rule?.semantics_list ?? d.semantics_list ?? [],
        intercept_type: d.intercept_type,
        user_list: range.user_list ?? [],
        department_list: range.department_list ?? [],
      },
    });
  }
  for (const id of details.keys()) if (!seen.has(id)) return bad(`rules has rule_id ${JSON.stringify(id)}, which rule_list does not list`);
  rules.sort((a, b) => (a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0));
  return { rules, diagnostics: [] };
}
