// `checkPolicySet`: the whole checker as one call. It discovers the files, parses each with its
// front end, builds the model (loading list files inside the root) and runs the passes table.
// It never throws for anything a user can write; a failure inside a pass is reported as an
// internal-error diagnostic so the rest of the report still reaches the user.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnostic, sortDiagnostics, START_RANGE, type Diagnostic, type Range } from '../language/diagnostic.ts';
import { parsePolicy, type ParseResult } from '../language/text-to-ast.ts';
import { parseYamlPolicy } from '../language/yaml-to-ast.ts';
import { astToModel, type ParsedFile } from './model/ast-to-model.ts';
import { discoverFiles, type DiscoveredFile } from './load/discover-files.ts';
import { ListFileReader } from './load/list-file.ts';
import type { PolicySetModel } from './model/model.ts';
import { passes } from './checks/passes.ts';
import { applySuppressions } from './fixes/suppressions.ts';
import { hushLimit } from './load/limits-profile.ts';
import { countText } from './wording.ts';

export interface CheckOptions {
  /** Unsaved editor texts by absolute path; they win over the files on disk. */
  overlay?: Map<string, string>;
  cwd?: string;
  /** Parses one file (default `parseFile`); the language server passes an incremental parser. */
  parse?: (text: string, file: string, form: 'policy' | 'yaml') => ParseResult;
}

export interface CheckResult {
  model: PolicySetModel;
  /** Sorted by file and position. */
  diagnostics: Diagnostic[];
  /** The text of every policy file, by the name used in diagnostics. */
  sources: Map<string, string>;
  /** The policy files checked. */
  files: string[];
}

function readPolicy(f: DiscoveredFile, cwd: string, overlay?: Map<string, string>): { text?: string; error?: Diagnostic } {
  const abs = resolve(cwd, f.path);
  const over = overlay?.get(abs);
  if (over !== undefined) return { text: over };
  try {
    const buf = readFileSync(abs);
    const text = buf.toString('utf8');
    if (text.includes('\uFFFD') && !buf.includes(Buffer.from('\uFFFD', 'utf8'))) {
      return {
        text,
        error: diagnostic('hush/io/bad-encoding', 'error', 'the file is not valid UTF-8', f.path, START_RANGE, {
          help: 'save the file as UTF-8; invalid bytes were read as U+FFFD',
        }),
      };
    }
    return { text };
  } catch (e) {
    return { error: diagnostic('hush/io/unreadable', 'error', `cannot read ${f.path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, f.path, START_RANGE) };
  }
}

/**
 * Parses one file with the front end for its form. `maxRules` cuts a `.policy` text before its
 * rule over that number, before the lexer sees it (a YAML file is parsed whole and cut after).
 */
export function parseFile(text: string, file: string, form: 'policy' | 'yaml', maxRules?: number): ParseResult {
  return form === 'yaml' ? parseYamlPolicy(text, file) : parsePolicy(text, file, { maxRules });
}

/**
 * Hush's own limit on the rules of one set (spec/hush-limits.json): the rules past it are not
 * read (a `.policy` file is cut before its lexer runs), and the first of them gets
 * `hush/limit/rules-per-set`, so a set of 100,000 rules is refused in bounded memory.
 */
function keepRulesWithin(r: ParseResult, budget: number): { ast: ParseResult['ast']; kept: number; cutAt?: Range } {
  const ast = r.ast;
  let kept = 0;
  let cutAt = r.cutAt;
  const declarations = ast.declarations.filter((d) => {
    if (d.kind !== 'rule') return true;
    if (kept < budget) {
      kept++;
      return true;
    }
    // The `rule` word of a `.policy` declaration; the whole rule of a YAML one.
    const { start } = d.range;
    cutAt ??= ast.form === 'policy' ? { start, end: { line: start.line, column: start.column + 4, offset: start.offset + 4 } } : d.range;
    return false;
  });
  return { ast: declarations.length === ast.declarations.length ? ast : { ...ast, declarations }, kept, cutAt };
}

export function checkPolicySet(paths: string[], options: CheckOptions = {}): CheckResult {
  const cwd = options.cwd ?? process.cwd();
  const diagnostics: Diagnostic[] = [];
  const found = discoverFiles(paths, cwd);
  diagnostics.push(...found.diagnostics);
  const sources = new Map<string, string>();
  const parsed: ParsedFile[] = [];
  const maxRules = hushLimit('rules-per-set');
  let rules = 0;
  let overLimit = false;
  for (const f of found.files) {
    const { text, error } = readPolicy(f, cwd, options.overlay);
    if (error) diagnostics.push(error);
    if (text === undefined) continue;
    sources.set(f.path, text);
    const budget = maxRules.max - rules;
    const r = options.parse ? options.parse(text, f.path, f.form) : parseFile(text, f.path, f.form, budget);
    const within = keepRulesWithin(r, budget);
    rules += within.kept;
    if (within.cutAt && !overLimit) {
      overLimit = true;
      diagnostics.push(
        diagnostic('hush/limit/rules-per-set', 'error', `the policy set has more than ${countText(maxRules.max)} ${maxRules.unit}, the limit of Hush is ${countText(maxRules.max)}`, f.path, within.cutAt, {
          help: `Hush reads at most ${countText(maxRules.max)} ${maxRules.summary} (a limit of Hush, not of WeCom); the rules from here on were not checked: split the set`,
        }),
      );
    }
    // Syntax errors past the cut are not reported: that text was not read.
    diagnostics.push(...(within.cutAt && !r.cutAt ? r.diagnostics.filter((d) => d.range.start.offset < within.cutAt!.start.offset) : r.diagnostics));
    parsed.push({ path: f.path, root: f.root, ast: within.ast });
  }
  const model = checkParsed(parsed, new ListFileReader(cwd, options.overlay), found.files[0]?.root ?? resolve(cwd), diagnostics, found.files[0]?.path ?? '.');
  return { model, diagnostics: sortDiagnostics(diagnostics), sources, files: found.files.map((f) => f.path) };
}

/**
 * Builds the model from parsed files and runs the passes table, adding to `diagnostics`. Shared
 * by `checkPolicySet` and the language server, which parses from its own documents. Syntax errors
 * already in `diagnostics` tell the passes which declarations may be incomplete.
 */
export function checkParsed(parsed: ParsedFile[], lists: ListFileReader, root: string, diagnostics: Diagnostic[], anchorFile: string): PolicySetModel {
  const built = astToModel(parsed, lists, root);
  diagnostics.push(...built.diagnostics);
  for (const d of diagnostics) {
    // A missing `}` alone leaves the block whole: its statements are still checked.
    if (d.severity !== 'error' || !d.code.startsWith('hush/syntax/') || d.code === 'hush/syntax/missing-brace') continue;
    const xs = built.model.syntaxErrors.get(d.file) ?? [];
    xs.push(d.range.start.offset);
    built.model.syntaxErrors.set(d.file, xs);
  }
  for (const pass of passes) {
    try {
      pass.run(built.model, (d) => diagnostics.push(d));
    } catch (e) {
      diagnostics.push(
        diagnostic('hush/internal/pass-failed', 'error', `internal error in check \`${pass.name}\`: ${e instanceof Error ? e.message : String(e)}`, anchorFile, START_RANGE, {
          help: 'this is a bug in Hush; please report it with the policy that caused it',
        }),
      );
    }
  }
  // `# hush-ignore hush/lint/…` comments (compiler/fixes/suppressions.ts).
  const kept = applySuppressions(parsed, diagnostics);
  diagnostics.length = 0;
  diagnostics.push(...kept);
  return built.model;
}
