// `hush export wecom-intercept [paths…]`: the keyword rules WeCom can enforce itself, before a
// message is sent, as WeCom sensitive-word intercept rules (compiler/export/, spec/wecom.md §3).
// Without options it prints the `add_intercept_rule` request bodies (JSON). `--plan FILE`
// compares them with the rules WeCom has now (FILE: get_intercept_rule_list + get_intercept_rule
// replies) and prints the operations, like `terraform plan`; `--apply` performs them through the
// API with the access token of `--token-file`, reading the current rules from the API unless
// `--plan` gives them. What cannot be pushed down is reported per rule and per keyword on stderr.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { renderDiagnostics } from '../render/index.ts';
import { terminalText } from '../render/escape.ts';
import type { RegisterCommand } from './index.ts';

export const EXPORT_TARGETS = ['wecom-intercept'] as const;
const PLAN_FORMATS = ['text', 'json'] as const;

export interface ExportCommandOptions {
  plan?: string;
  apply?: boolean;
  tokenFile?: string;
  apiBase?: string;
  format?: (typeof PLAN_FORMATS)[number];
  rangeUser?: string[];
  rangeDepartment?: string[];
}

const MAX_INPUT = 64 * 1024 * 1024;
/** The code of a failed call to WeCom's API (spec/diagnostics.md). */
const API_ERROR = 'hush/wecom-intercept/api-error';

function readInput(path: string, what: string, cwd: string): string {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new UsageError(`no such ${what}: ${path}`);
  const st = statSync(abs);
  if (!st.isFile()) throw new UsageError(`${what} ${path} is not a file`);
  if (st.size > MAX_INPUT) throw new UsageError(`${what} ${path} is larger than 64 MB`);
  return readFileSync(abs, 'utf8');
}

function departments(values: string[] | undefined): number[] | undefined {
  if (values === undefined) return undefined;
  return values.map((v) => {
    if (!/^[1-9][0-9]{0,9}$/.test(v) || Number(v) > 2 ** 31 - 1) throw new UsageError(`--range-department takes a WeCom department id (a positive integer), not ${JSON.stringify(v)}`);
    return Number(v);
  });
}

function users(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  for (const v of values) if (v.trim() === '' || v.length > 64) throw new UsageError(`--range-user takes a member's userid, not ${JSON.stringify(v)}`);
  return values;
}

export async function runExport(target: string, paths: string[], opts: ExportCommandOptions, io: CliIO): Promise<number> {
  if (!(EXPORT_TARGETS as readonly string[]).includes(target)) throw new UsageError(`unknown export target ${JSON.stringify(target)}; known: ${EXPORT_TARGETS.join(', ')}`);
  const given = paths.length > 0 ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  if (opts.apply && opts.tokenFile === undefined) throw new UsageError('`--apply` needs `--token-file FILE`, a file holding the access token');
  if (!opts.apply && opts.tokenFile !== undefined) throw new UsageError('`--token-file` is used only with `--apply`');
  let apiBase: URL | undefined;
  if (opts.apply) {
    try {
      apiBase = new URL(opts.apiBase!);
    } catch {
      throw new UsageError(`--api-base is not a URL: ${JSON.stringify(opts.apiBase)}`);
    }
    if (apiBase.protocol !== 'https:' && apiBase.protocol !== 'http:') throw new UsageError('--api-base must be an http or https URL');
  }
  const rangeUsers = users(opts.rangeUser);
  const rangeDepartments = departments(opts.rangeDepartment);
  const token = opts.apply ? readInput(opts.tokenFile!, 'token file', io.cwd).trim() : '';
  if (opts.apply && (token === '' || /\s/.test(token))) throw new UsageError('the token file must hold one access token');
  const current = opts.plan !== undefined ? readInput(opts.plan, 'current-state file', io.cwd) : undefined;

  const { policySetToIr } = await import('../../compiler/lower/policy-set-to-ir.ts');
  const r = policySetToIr(given, { cwd: io.cwd });
  if (r.check.files.length === 0 && r.diagnostics.length === 0) throw new UsageError(`no policy files (.policy, .policy.yaml) in ${given.join(', ')}`);
  const getText = (f: string) => {
    const s = r.check.sources.get(f);
    if (s !== undefined) return s;
    try {
      const abs = resolve(io.cwd, f);
      return statSync(abs).size < MAX_INPUT ? readFileSync(abs, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  const render = (ds: Parameters<typeof renderDiagnostics>[1]) => {
    if (ds.length > 0) io.stderr(renderDiagnostics('human', ds, { getSource: getText, color: false, files: r.check.files.length }));
  };
  render(r.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning'));
  if (!r.ir) {
    io.stderr('hush: the policy set has errors; nothing was exported\n');
    return EXIT.failed;
  }

  const { exportWecomIntercept } = await import('../../compiler/export/wecom-intercept-export.ts');
  const exported = exportWecomIntercept(r.ir, { users: rangeUsers, departments: rangeDepartments, getText });
  render(exported.diagnostics);
  const failed = exported.diagnostics.some((d) => d.severity === 'error');

  if (current === undefined && !opts.apply) {
    io.stdout(`${JSON.stringify(exported.bodies, null, 2)}\n`);
    return failed ? EXIT.failed : EXIT.ok;
  }
  if (failed) {
    io.stderr(`hush: the export has errors; no plan was made${opts.apply ? ' and nothing was applied' : ''}\n`);
    return EXIT.failed;
  }

  const { parseCurrentRules } = await import('../../compiler/export/wecom-intercept-current.ts');
  const { applyPlan, fetchCurrentRules, WecomApiError } = await import('../../compiler/export/wecom-intercept-api.ts');
  const api = { base: apiBase?.href ?? '', token };
  let state;
  if (current !== undefined) state = parseCurrentRules(current, opts.plan!);
  else {
    try {
      state = await fetchCurrentRules(api);
    } catch (e) {
      if (!(e instanceof WecomApiError)) throw e;
      io.stderr(`hush: ${API_ERROR}: cannot read the current rules: ${terminalText(e.message)}; nothing was applied\n`);
      return EXIT.failed;
    }
  }
  render(state.diagnostics);
  if (!state.rules) return EXIT.failed;

  const { planInterceptRules } = await import('../../compiler/export/wecom-intercept-plan.ts');
  const { renderPlanText } = await import('../../compiler/export/wecom-intercept-plan-text.ts');
  const plan = planInterceptRules(exported.bodies, state.rules);
  if (!opts.apply) {
    io.stdout(opts.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan, terminalText));
    return EXIT.ok;
  }

  const result = await applyPlan(plan, api);
  if (opts.format === 'json') {
    io.stdout(`${JSON.stringify({ plan, applied: result.applied, failed: result.failed ? { rule_name: result.failed.operation.rule_name, op: result.failed.operation.op, error: result.failed.error.message } : null }, null, 2)}\n`);
  } else {
    io.stdout(renderPlanText(plan, terminalText));
    for (const a of result.applied) io.stdout(`applied: ${a.op} ${terminalText(a.rule_name)}${a.rule_id !== null ? ` (rule_id ${terminalText(a.rule_id)})` : ''}\n`);
    if (!result.failed) io.stdout(`done: ${result.applied.length} operation${result.applied.length === 1 ? '' : 's'} applied\n`);
  }
  if (result.failed) {
    const f = result.failed;
    io.stderr(
      `hush: ${API_ERROR}: ${f.operation.op} ${terminalText(f.operation.rule_name)} failed: ${terminalText(f.error.message)}\n` +
        `hush: applied before it: ${result.applied.length === 0 ? 'nothing' : result.applied.map((a) => `${a.op} ${terminalText(a.rule_name)}`).join(', ')}\n` +
        `hush: not applied: ${[f.operation, ...result.notTried].map((o) => `${o.op} ${terminalText(o.rule_name)}`).join(', ')}\n`,
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export const registerExport: RegisterCommand = (program, io, setStatus) => {
  program
    .command('export')
    .description('write a policy set as another system\'s rules: `wecom-intercept`, WeCom\'s sensitive-word intercept rules')
    .argument('<target>', `what to export to: ${EXPORT_TARGETS.join(', ')}`)
    .argument('[paths...]', 'policy files or folders (default: .)')
    .option('--plan <file>', 'compare with the rules WeCom has now (get_intercept_rule_list + get_intercept_rule replies) and print the operations')
    .option('--apply', 'perform the operations through WeCom\'s API (needs --token-file)')
    .option('--token-file <file>', 'a file holding the access token (with --apply)')
    .option('--api-base <url>', 'the API\'s address', 'https://qyapi.weixin.qq.com')
    .addOption(new Option('-f, --format <format>', 'plan output format').choices(PLAN_FORMATS).default('text'))
    .option('--range-user <userid>', 'a member every exported rule applies to (repeat it; default: each rule\'s owner)', collect)
    .option('--range-department <id>', 'a department every exported rule applies to (repeat it)', collect)
    .action(async (target: string, paths: string[], opts: ExportCommandOptions) => {
      setStatus(await runExport(target, paths, opts, io));
    });
};
