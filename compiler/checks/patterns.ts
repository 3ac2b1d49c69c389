// Pattern keywords (`pattern "…"`, spec/language.md §5): every pattern compiles with re2js
// (runtime/pattern/compile-pattern.ts), whose matching is linear in the text; a construct that
// could backtrack or that RE2 lacks is an error with its own code, placed on the construct inside
// the string literal when the literal can be read back exactly (a `.policy` literal), else on the
// whole entry. Hush's own limits (spec/hush-limits.json) bound the patterns of a rule, the length
// of one, and the size of its compiled program.
import { quoteString } from '../../language/string-literal.ts';
import type { Range } from '../../language/diagnostic.ts';
import { compilePattern, type PatternProblem } from '../../runtime/pattern/compile-pattern.ts';
import { hushLimit } from '../load/limits-profile.ts';
import { entryLoc, type LoadedList, type Loc } from '../model/model.ts';
import { countText as n } from '../wording.ts';
import { at, type Check } from './check.ts';

const CODE: Record<PatternProblem['kind'], string> = {
  backreference: 'hush/pattern/backreference',
  lookaround: 'hush/pattern/lookaround',
  possessive: 'hush/pattern/possessive',
  'too-large': 'hush/pattern/too-large',
  'matches-empty': 'hush/pattern/matches-empty',
  syntax: 'hush/pattern/syntax',
};

const HELP: Record<PatternProblem['kind'], string> = {
  backreference: 'RE2 patterns cannot refer back to a group; write the repeated text out, or use two keywords',
  lookaround: 'RE2 patterns have no lookahead or lookbehind; match the context itself, or use `except` for phrases that must not fire',
  possessive: 'RE2 never backtracks, so possessive and atomic forms are not needed: write `a+` for `a++` and `(?:ab)` for `(?>ab)`',
  'too-large': 'bound the repetition more tightly (`{1,20}`), or split the pattern in two',
  'matches-empty': 'a pattern must match at least one character: drop the `?`, `*` or empty alternative that lets it match nothing',
  syntax: 'patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax); in `.policy` text a backslash is written `\\\\` (`"\\\\d{11}"`)',
};

/**
 * The range of `length` UTF-16 units at `from` in the value of the literal at `loc`, when the
 * literal is written as `quoteString` writes it on one line of a `.policy` file (then every
 * unit's place in the source is known); else the whole literal.
 */
export function rangeInLiteral(loc: Loc, value: string, from: number, length: number): Loc {
  const r = loc.range;
  if (/\.ya?ml$/i.test(loc.file) || r.start.line !== r.end.line || r.start.offset < 0) return loc;
  // Where each unit of the value starts in the literal (index 0 is the opening quote).
  const place = new Array<number>(value.length + 1);
  let img = 1;
  let k = 0;
  for (const ch of value) {
    for (let u = 0; u < ch.length; u++) place[k + u] = img;
    k += ch.length;
    img += quoteString(ch).length - 2;
  }
  place[value.length] = img;
  if (img + 1 !== r.end.offset - r.start.offset) return loc;
  const a = place[Math.min(from, value.length)];
  const b = place[Math.min(from + Math.max(length, 1), value.length)];
  const range: Range = {
    start: { line: r.start.line, column: r.start.column + a, offset: r.start.offset + a },
    end: { line: r.start.line, column: r.start.column + b, offset: r.start.offset + b },
  };
  return { file: loc.file, range };
}

/** Where the i-th pattern of a list stands, narrowed to `from`/`length` inside it when it can be. */
function patternLoc(list: LoadedList, i: number, from: number, length: number): Loc {
  const loc = entryLoc(list, i);
  return list.listFile ? loc : rangeInLiteral(loc, list.values[i], from, length);
}

export const checkPatterns: Check = (model, accept) => {
  const perRule = hushLimit('patterns-per-rule');
  const maxLength = hushLimit('pattern-length');
  const maxProgram = hushLimit('pattern-program-size');
  for (const r of model.rules) {
    const seen = new Set<string>();
    for (const list of r.patterns) {
      list.values.forEach((source, i) => {
        if (seen.has(source)) return;
        seen.add(source);
        if (seen.size === perRule.max + 1) {
          accept(at(entryLoc(list, i), 'hush/limit/patterns-per-rule', 'error', `rule \`${r.name}\` has more than ${n(perRule.max)} ${perRule.unit}, the limit of Hush is ${n(perRule.max)}`, {
            help: `${perRule.summary}: at most ${n(perRule.max)} (${perRule.why})`,
          }));
        }
        if (source.length > maxLength.max) {
          accept(at(entryLoc(list, i), 'hush/limit/pattern-length', 'error', `the pattern has ${n(source.length)} ${maxLength.unit}, the limit of Hush is ${n(maxLength.max)}`, {
            help: `${maxLength.summary}: at most ${n(maxLength.max)} (${maxLength.why})`,
          }));
          return;
        }
        const c = compilePattern(source);
        if (!c.ok) {
          const p = c.problem;
          accept(at(patternLoc(list, i, p.at, p.length), CODE[p.kind], 'error', p.message, { help: HELP[p.kind] }));
          return;
        }
        if (c.programSize > maxProgram.max) {
          accept(at(entryLoc(list, i), 'hush/limit/pattern-program-size', 'error', `the pattern compiles to ${n(c.programSize)} ${maxProgram.unit}, the limit of Hush is ${n(maxProgram.max)}`, {
            help: `${maxProgram.summary}: at most ${n(maxProgram.max)}; bound the repetition more tightly (${maxProgram.why})`,
          }));
        }
      });
    }
  }
};
