// Pattern keywords (`pattern "…"`, spec/language.md §5): a regular expression in RE2's syntax,
// compiled by re2js, the JavaScript port of RE2, whose matching takes time linear in the text
// whatever the pattern. RE2 has no construct that backtracks: a backreference, a lookahead or
// lookbehind, a possessive or atomic repetition, a recursion or a conditional is not in its
// syntax, so re2js refuses it; this file says which of those a refusal was, so the checker gives
// each its own code and the place in the pattern. Lookbehinds are never enabled (re2js has them
// behind a flag). The pattern text is only ever data handed to re2js: it is never code.
import { RE2JS, RE2JSException } from 're2js';

/** Why a pattern cannot be used; `at`/`length` locate it in the pattern (UTF-16), when known. */
export interface PatternProblem {
  kind: 'backreference' | 'lookaround' | 'possessive' | 'too-large' | 'matches-empty' | 'syntax';
  message: string;
  at: number;
  length: number;
}

export type CompiledPattern = { ok: true; re: RE2JS; programSize: number } | { ok: false; problem: PatternProblem };

/** Constructs RE2 does not have, by what they start with, for a precise message before re2js's. */
const UNSUPPORTED: readonly { re: RegExp; kind: PatternProblem['kind']; what: string }[] = [
  { re: /\\[1-9]|\\k<|\\g\{?-?[0-9]/y, kind: 'backreference', what: 'a backreference' },
  { re: /\(\?<?[=!]/y, kind: 'lookaround', what: 'a lookahead or lookbehind' },
  { re: /\(\?>/y, kind: 'possessive', what: 'an atomic group' },
  { re: /[*+?]\+/y, kind: 'possessive', what: 'a possessive repetition' },
  { re: /\(\?(?:R|[0-9]|&|\(|P>|P=|\|)/y, kind: 'syntax', what: 'a recursion, a conditional or a branch reset' },
];

/** The first construct of UNSUPPORTED in a pattern, skipping escaped characters and classes. */
function findUnsupported(source: string): PatternProblem | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (!inClass) {
      for (const u of UNSUPPORTED) {
        u.re.lastIndex = i;
        const m = u.re.exec(source);
        if (m) return { kind: u.kind, message: `${u.what} (\`${m[0]}\`) can take time that grows faster than the text; RE2 patterns do not have it`, at: i, length: m[0].length };
      }
    }
    if (c === '\\') i++;
    else if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
  }
  return undefined;
}

/** Classifies re2js's refusal of a pattern. */
function problemOf(source: string, e: unknown): PatternProblem {
  const description = e instanceof RE2JSException && 'getDescription' in e ? String((e as { getDescription(): string }).getDescription()) : String(e);
  const fragment = e instanceof RE2JSException && 'getPattern' in e ? (e as { getPattern(): string | null }).getPattern() : null;
  const at = fragment ? source.indexOf(fragment) : -1;
  const where = at >= 0 ? { at, length: fragment!.length } : { at: 0, length: source.length };
  if (/nested repetition/.test(description) && fragment?.endsWith('+')) {
    return { kind: 'possessive', message: `a possessive repetition (\`${fragment}\`) is not in RE2's syntax`, ...where };
  }
  if (/too large|repeat count/.test(description)) {
    return { kind: 'too-large', message: `the pattern is too large to compile (${description}${fragment ? `: \`${fragment}\`` : ''})`, ...where };
  }
  return { kind: 'syntax', message: `${description}${fragment ? `: \`${fragment}\`` : ''}`, ...where };
}

/**
 * Compiles a pattern with re2js; refuses what RE2 does not have, a program of more than
 * `maxProgramSize` instructions (RE2's rough measure of a pattern's cost: `(a{1,1000}){1,1000}` is
 * refused), and a pattern that matches the empty text (it would match every message).
 */
export function compilePattern(source: string, maxProgramSize = Infinity): CompiledPattern {
  const unsupported = findUnsupported(source);
  if (unsupported) return { ok: false, problem: unsupported };
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    return { ok: false, problem: problemOf(source, e) };
  }
  const programSize = re.programSize();
  if (programSize > maxProgramSize) {
    return {
      ok: false,
      problem: { kind: 'too-large', message: `the pattern compiles to ${programSize} instructions, more than ${maxProgramSize}`, at: 0, length: source.length },
    };
  }
  if (re.matcher('').find()) {
    return { ok: false, problem: { kind: 'matches-empty', message: 'the pattern matches the empty text, so it would fire on every message', at: 0, length: source.length } };
  }
  return { ok: true, re, programSize };
}
