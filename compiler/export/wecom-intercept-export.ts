// `hush export wecom-intercept`: the keyword rules of a policy set that WeCom can enforce itself,
// before a message is sent, as the request bodies of `add_intercept_rule` (WeCom's sensitive-word
// intercept rules, 聊天敏感词, document 95130). Reads the IR only. spec/wecom.md §3 is the
// contract: what is pushed down, what is refused and why, one diagnostic per refusal, every
// number from spec/limits/export/wecom-intercept.json.
//
// What can be pushed down is what WeCom would block *less* often than Hush, never more: a
// keyword WeCom matches as written, which Hush would also match. Refused, per keyword: a
// whole-word keyword (WeCom has no word boundaries: it would block `Essex` for `sex`), a keyword
// inside one of the rule's exception phrases (WeCom has no exceptions: it would block
// `成人教育` for `成人`), a keyword the rule's normalisation changes (WeCom would be given a
// spelling Hush itself never looks for), and a keyword longer than WeCom accepts.
import { diagnostic, sortDiagnostics, START_RANGE, type Diagnostic, type Range } from '../../language/diagnostic.ts';
import type { IrAction, IrLoc, IrPolicySet, IrRule } from '../../runtime/ir.ts';
import { normalizeKeyword } from '../../runtime/text/normalize-reference.ts';
import { countText } from '../wording.ts';
import { interceptLimit } from './wecom-intercept-limits.ts';
import { charLength, interceptRuleNames } from './wecom-intercept-names.ts';

/** `applicable_range` of document 95130: member userids and department ids. */
export interface InterceptRange {
  user_list?: string[];
  department_list?: number[];
}

/** The body of `add_intercept_rule` (document 95130). Hush never sets `semantics_list`. */
export interface AddInterceptRuleBody {
  rule_name: string;
  word_list: string[];
  /** 1: warn and block sending (警告并拦截发送); 2: warn only (仅发警告). */
  intercept_type: 1 | 2;
  applicable_range: InterceptRange;
}

export interface InterceptExportOptions {
  /** Members every exported rule applies to (`--range-user`), instead of each rule's owner. */
  users?: string[];
  /** Departments every exported rule applies to (`--range-department`). */
  departments?: number[];
  /** The text of a file by the name used in IR locations, to place diagnostics exactly. */
  getText?: (file: string) => string | undefined;
}

export interface InterceptExport {
  /** Sorted by rule name. */
  bodies: AddInterceptRuleBody[];
  /** Sorted by file and position. */
  diagnostics: Diagnostic[];
}

/**
 * The actions that stop a message (runtime/engine/engine.ts and spec/runtime.md §3: `allowed` is
 * false when the decision recalls, removes, mutes or blacklists): a keyword line with one of
 * them becomes "warn and block", any other keyword line "warn only".
 */
const STOPPING: ReadonlySet<IrAction['type']> = new Set(['recall', 'remove', 'mute', 'blacklist']);

/** A diagnostic range from an IR location (offsets from the file's text when it is known). */
function rangeOf(loc: IrLoc, getText?: (file: string) => string | undefined): Range {
  const text = getText?.(loc.file);
  const offset = (line: number, column: number) => {
    if (text === undefined) return 0;
    let at = 0;
    for (let l = 1; l < line; l++) {
      const nl = text.indexOf('\n', at);
      if (nl < 0) return text.length;
      at = nl + 1;
    }
    return Math.min(text.length, at + column - 1);
  };
  return {
    start: { line: loc.line, column: loc.column, offset: offset(loc.line, loc.column) },
    end: { line: loc.endLine, column: loc.endColumn, offset: offset(loc.endLine, loc.endColumn) },
  };
}

/** The first line of a location: a rule is pointed at by its `rule "name"` line. */
function firstLine(loc: IrLoc): IrLoc {
  return { ...loc, endLine: loc.line, endColumn: loc.column + 4 };
}

const quote = (s: string) => JSON.stringify(s);

interface Candidate {
  rule: IrRule;
  part: number;
  words: string[];
  interceptType: 1 | 2;
  range: InterceptRange;
}

export function exportWecomIntercept(ir: IrPolicySet, options: InterceptExportOptions = {}): InterceptExport {
  const diagnostics: Diagnostic[] = [];
  const at = (loc: IrLoc) => ({ file: loc.file, range: rangeOf(loc, options.getText) });
  const report = (code: string, severity: Diagnostic['severity'], message: string, loc: IrLoc, help?: string) => {
    const p = at(loc);
    diagnostics.push(diagnostic(code, severity, message, p.file, p.range, help === undefined ? {} : { help }));
  };
  const wordMax = interceptLimit('word-length').max;
  const wordsPerRule = interceptLimit('words-per-rule').max;
  const usersMax = interceptLimit('users-per-range').max;
  const departmentsMax = interceptLimit('departments-per-range').max;
  const candidates: Candidate[] = [];

  for (const rule of ir.rules) {
    const head = firstLine(rule.loc);
    const keywordLines = rule.triggers.filter((t) => t.type === 'keyword');
    if (keywordLines.length === 0 || rule.keywords.length === 0) {
      report('hush/wecom-intercept/no-keyword-trigger', 'info', `rule ${quote(rule.name)} has no \`when keyword\` line: nothing to push down`, head);
      continue;
    }
    // WeCom's intercept rules hold at all times for every sender: pushing down a rule with its own
    // windows or exemptions would stop what the policy lets through.
    if (rule.window || rule.exempt) {
      const what = rule.window && rule.exempt ? 'windows and exempt customers' : rule.window ? '`during` windows' : 'exempt customers';
      report('hush/wecom-intercept/gated-rule', 'warning', `rule ${quote(rule.name)} is not pushed down: it has its own ${what}, and WeCom's intercept rules apply at all times to everyone`, head);
      continue;
    }

    // The range: the members given on the command line, else the rule's owner.
    const users = options.users ?? (options.departments === undefined && rule.owner?.id ? [rule.owner.id] : []);
    const departments = options.departments ?? [];
    if (users.length === 0 && departments.length === 0) {
      report(
        'hush/wecom-intercept/no-range',
        'warning',
        `rule ${quote(rule.name)} is not pushed down: its owner names no member, so there is no one for WeCom to apply it to`,
        head,
        'give the members or departments with `--range-user ID` or `--range-department ID`, or an owner with an id (`owner member "li.lei"`)',
      );
      continue;
    }
    if (users.length > usersMax || departments.length > departmentsMax) {
      report(
        'hush/wecom-intercept/range-too-large',
        'error',
        `rule ${quote(rule.name)} would apply to ${countText(users.length)} members and ${countText(departments.length)} departments; WeCom takes at most ${countText(usersMax)} of each`,
        head,
        'give departments instead of their members',
      );
      continue;
    }

    // The keywords, one by one.
    const steps = rule.normalize.filter((s) => s !== 'none');
    const exceptions = rule.exceptions.map((e) => normalizeKeyword(e, rule.normalize));
    const words: string[] = [];
    for (const k of rule.keywords) {
      const normal = normalizeKeyword(k.text, rule.normalize);
      const inside = exceptions.findIndex((e) => e.includes(normal));
      if (k.wholeWord) {
        report('hush/wecom-intercept/whole-word', 'warning', `keyword ${quote(k.text)} of rule ${quote(rule.name)} is not pushed down: it matches whole words only, and WeCom matches words anywhere`, k.loc);
      } else if (inside >= 0) {
        report(
          'hush/wecom-intercept/excepted-keyword',
          'warning',
          `keyword ${quote(k.text)} of rule ${quote(rule.name)} is not pushed down: it occurs in the exception phrase ${quote(rule.exceptions[inside])}, and WeCom has no exceptions`,
          k.loc,
        );
      } else if (normal !== k.text) {
        report(
          'hush/wecom-intercept/normalised-keyword',
          'warning',
          `keyword ${quote(k.text)} of rule ${quote(rule.name)} is not pushed down: the rule's normalisation (${steps.join(', ')}) makes it ${quote(normal)}, and WeCom does not normalise`,
          k.loc,
          `write it as ${quote(normal)}, the form Hush matches`,
        );
      } else if (charLength(k.text) > wordMax) {
        report(
          'hush/wecom-intercept/word-too-long',
          'warning',
          `keyword ${quote(k.text)} of rule ${quote(rule.name)} is not pushed down: it has ${countText(charLength(k.text))} characters, and WeCom takes at most ${countText(wordMax)}`,
          k.loc,
        );
      } else {
        words.push(k.text);
      }
    }
    if (words.length === 0) {
      report('hush/wecom-intercept/no-pushable-keyword', 'warning', `rule ${quote(rule.name)} is not pushed down: none of its keywords can be`, head);
      continue;
    }

    // What stays with Hush: the other `when` lines, and the keyword line's actions WeCom cannot take.
    const stops = keywordLines.some((t) => t.actions.some((a) => STOPPING.has(a.type)));
    const otherLines = [...new Set(rule.triggers.filter((t) => t.type !== 'keyword').map((t) => t.type))];
    const kept = [...new Set(keywordLines.flatMap((t) => t.actions.map((a) => a.type)))];
    report(
      'hush/wecom-intercept/pushed-down',
      'info',
      `rule ${quote(rule.name)}: ${countText(words.length)} of ${countText(rule.keywords.length)} keywords pushed down as ${stops ? 'warn and block (intercept_type 1)' : 'warn only (intercept_type 2)'}; ` +
        `WeCom applies it to what the members in its range send, and Hush still decides customers' messages (${kept.join(', ')}${otherLines.length > 0 ? `; the ${otherLines.join(', ')} lines` : ''})` +
        (steps.length > 0 ? `; WeCom catches only the spellings as written, not those ${steps.join(', ')} finds` : ''),
      head,
    );

    const range: InterceptRange = {};
    if (users.length > 0) range.user_list = [...new Set(users)].sort();
    if (departments.length > 0) range.department_list = [...new Set(departments)].sort((a, b) => a - b);
    const parts = Math.ceil(words.length / wordsPerRule);
    if (parts > 1) {
      report(
        'hush/wecom-intercept/split-rule',
        'info',
        `rule ${quote(rule.name)} has ${countText(words.length)} keywords to push down and WeCom takes ${countText(wordsPerRule)} per rule: it becomes ${countText(parts)} intercept rules`,
        head,
      );
    }
    for (let p = 0; p < parts; p++) {
      candidates.push({ rule, part: p + 1, words: words.slice(p * wordsPerRule, (p + 1) * wordsPerRule), interceptType: stops ? 1 : 2, range });
    }
  }

  const names = interceptRuleNames(candidates.map((c) => ({ rule: c.rule.name, part: c.part })));
  const bodies: AddInterceptRuleBody[] = [];
  candidates.forEach((c, i) => {
    const name = names[i];
    if (name === undefined) {
      report('hush/wecom-intercept/name-collision', 'error', `rule ${quote(c.rule.name)} gets the same intercept rule name as another rule`, firstLine(c.rule.loc), 'rename one of the rules');
      return;
    }
    bodies.push({ rule_name: name, word_list: c.words, intercept_type: c.interceptType, applicable_range: c.range });
  });
  bodies.sort((a, b) => (a.rule_name < b.rule_name ? -1 : a.rule_name > b.rule_name ? 1 : 0));

  const perCorp = interceptLimit('rules-per-corp').max;
  if (bodies.length > perCorp) {
    const over = candidates[perCorp]?.rule;
    const where = over ? at(firstLine(over.loc)) : { file: ir.rules[0]?.loc.file ?? '', range: START_RANGE };
    diagnostics.push(
      diagnostic('hush/wecom-intercept/rules-per-corp', 'error', `the export makes ${countText(bodies.length)} intercept rules; an enterprise has at most ${countText(perCorp)}`, where.file, where.range, {
        help: 'push down fewer rules, or merge rules that share their range',
      }),
    );
  }
  return { bodies, diagnostics: sortDiagnostics(diagnostics) };
}
