// `hush check --fix`: applies the safe quick fixes, the ones the language server offers, found by
// the same function (lsp/code-actions.ts `quickFixes`), so the editor and the command make the
// same edits. Only fixes marked `safe` are applied (`，` → `,`, `60 minutes` → `60m`, a repeated
// keyword removed); guesses (`recal` → `recall`) and rewrites (splitting a rule) are left to the
// author. Only `.policy` files and list files are edited, each written beside itself and renamed
// over (a failure never leaves half a file). Fixes whose edits overlap an earlier one wait for the
// next round; rounds repeat, on a fresh check, until nothing is left to fix (at most five).
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckResult } from '../../compiler/check.ts';
import { policyFormOf } from '../../compiler/load/discover-files.ts';
import type { Diagnostic } from '../../language/diagnostic.ts';
import { quickFixes, type Fix, type FixEdit } from '../../lsp/code-actions.ts';
import type { SetFile, SetState } from '../../lsp/policy-sets.ts';

/** One fix applied: where its diagnostic was and what the fix did. */
export interface AppliedFix {
  file: string;
  line: number;
  column: number;
  code: string;
  title: string;
}

export interface FixRound {
  applied: AppliedFix[];
  /** Files that could not be written, with the reason. */
  failed: { file: string; reason: string }[];
}

const MAX_ROUNDS = 5;

/** The language server's view of a checked set, built from `hush check`'s own result. */
function setStateOf(result: CheckResult, cwd: string): SetState {
  const files = new Map<string, SetFile>();
  for (const ast of result.model.files) {
    const path = resolve(cwd, ast.file);
    files.set(path, { path, shown: ast.file, uri: pathToFileURL(path).href, text: result.sources.get(ast.file) ?? '', ast });
  }
  return { root: cwd, model: result.model, diagnostics: result.diagnostics, files, loose: false, absolute: (f) => resolve(cwd, f) };
}

/** The safe fix of each diagnostic that has one, grouped by the file it edits. */
function safeFixes(result: CheckResult, cwd: string): Map<string, { fix: Fix; d: Diagnostic }[]> {
  const set = setStateOf(result, cwd);
  const texts = new Map<string, string | undefined>();
  const textOf = (path: string) => {
    if (!texts.has(path)) {
      let text = set.files.get(path)?.text;
      if (text === undefined) {
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          text = undefined;
        }
      }
      texts.set(path, text);
    }
    return texts.get(path);
  };
  const out = new Map<string, { fix: Fix; d: Diagnostic }[]>();
  for (const d of result.diagnostics) {
    if (d.range.start.offset < 0) continue;
    const path = set.absolute(d.file);
    if (policyFormOf(path) === 'yaml') continue;
    const text = textOf(path);
    if (text === undefined) continue;
    const fixes = quickFixes(
      { set, file: set.files.get(path), path, text, textOf, canCreateFiles: false },
      { code: d.code, start: d.range.start.offset, end: d.range.end.offset, help: d.help },
    );
    const fix = fixes.find((f) => f.safe && !f.creates && f.edits.length > 0 && f.edits.every((e) => e.path === path));
    if (!fix) continue;
    const xs = out.get(path) ?? [];
    xs.push({ fix, d });
    out.set(path, xs);
  }
  return out;
}

/** The text with the edits applied (they do not overlap). */
function applyEdits(text: string, edits: readonly FixEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** One round: every safe fix that does not overlap an earlier one, written file by file. */
function fixRound(result: CheckResult, cwd: string): FixRound {
  const round: FixRound = { applied: [], failed: [] };
  for (const [path, fixes] of safeFixes(result, cwd)) {
    const text = readFileSync(path, 'utf8');
    const taken: { start: number; end: number }[] = [];
    const edits: FixEdit[] = [];
    const applied: AppliedFix[] = [];
    const seen = new Set<string>();
    for (const { fix, d } of fixes) {
      const key = JSON.stringify(fix.edits);
      if (seen.has(key)) continue;
      // An insertion touching another edit, or two edits sharing characters, wait for the next round.
      const clash = fix.edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end) || taken.some((t) => e.start === e.end && (e.start === t.start || e.start === t.end)));
      if (clash) continue;
      seen.add(key);
      for (const e of fix.edits) {
        taken.push({ start: e.start, end: e.end });
        edits.push(e);
      }
      applied.push({ file: d.file, line: d.range.start.line, column: d.range.start.column, code: d.code, title: fix.title });
    }
    if (edits.length === 0) continue;
    const fixed = applyEdits(text, edits);
    if (fixed === text) continue;
    const tmp = join(dirname(path), `.${basename(path)}.hush-fix-${process.pid}`);
    try {
      writeFileSync(tmp, fixed, { mode: statSync(path).mode });
      renameSync(tmp, path);
      round.applied.push(...applied);
    } catch (e) {
      round.failed.push({ file: applied[0]?.file ?? path, reason: (e as NodeJS.ErrnoException).code ?? 'error' });
    }
  }
  return round;
}

/**
 * Applies the safe fixes of a checked set, checking again after each round; returns what was
 * applied and the last check (of the fixed files).
 */
export function fixPolicySet(first: CheckResult, cwd: string, check: () => CheckResult): { applied: AppliedFix[]; failed: FixRound['failed']; result: CheckResult } {
  let result = first;
  const applied: AppliedFix[] = [];
  const failed: FixRound['failed'] = [];
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const round = fixRound(result, cwd);
    applied.push(...round.applied);
    failed.push(...round.failed);
    if (round.applied.length === 0) break;
    result = check();
  }
  return { applied, failed, result };
}
