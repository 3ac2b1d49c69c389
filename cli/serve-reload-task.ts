// The body of `hush serve`'s reload worker (a worker thread; serve-reload-worker.ts starts it and
// talks to it): the expensive part of loading a policy set, off the thread that answers requests.
// For each request it reads the files (the configured path, or uploaded files written to a
// temporary folder), checks them, lowers them to the IR, hashes it, measures the limits, renders
// the diagnostics of a refused set, and gets the generated module: the verified bytes of a fresh
// `.hush/` module (trusted-modules.ts: only bytes this machine's Hush recorded for this IR, and
// they are what is sent, never the path) or the source and data generated now. Everything it
// answers is data; the main thread only imports the module from these bytes (or builds the
// interpreter from the IR).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { keywordRuleOf, policyFacts, type IrPolicySet } from '../runtime/index.ts';
import type { ServiceDiagnostic } from '../runtime/service/index.ts';
import { compileToModule } from '../compiler/codegen/ir-to-ts.ts';
import { generatedFor, importModuleText, trustedWrittenModule } from '../compiler/codegen/load-module.ts';
import { irHash, policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import { limitsUsage } from './commands/serve.ts';
import { renderDiagnostics } from './render/index.ts';
import type { ReloadReply, ReloadRequest, WorkerLoadResult } from './serve-reload-worker.ts';

async function loadRequest(req: ReloadRequest): Promise<WorkerLoadResult> {
  if (req.source.kind === 'configured') return loadFrom([req.path], req.cwd, req.engine);
  const dir = mkdtempSync(join(tmpdir(), 'hush-upload-'));
  try {
    for (const [name, text] of Object.entries(req.source.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return await loadFrom(['.'], dir, req.engine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loadFrom(paths: string[], cwd: string, engine: ReloadRequest['engine']): Promise<WorkerLoadResult> {
  const missing = paths.filter((p) => !existsSync(resolve(cwd, p)));
  if (missing.length > 0) return { ok: false, diagnostics: [], message: `no such file or folder: ${missing.join(', ')}` };
  const r = policySetToIr(paths, { cwd });
  const flat = (severity?: string): ServiceDiagnostic[] =>
    r.diagnostics
      .filter((d) => severity === undefined || d.severity === severity)
      .map((d) => ({ code: d.code, severity: d.severity, message: d.message, file: d.file, line: d.range.start.line, column: d.range.start.column }));
  if (r.check.files.length === 0 && r.diagnostics.length === 0) return { ok: false, diagnostics: [], message: `no policy files (.policy, .policy.yaml) in ${paths.join(', ')}` };
  if (!r.ir) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const text = renderDiagnostics('human', errors, { getSource: (f) => r.check.sources.get(f) ?? readSmall(resolve(cwd, f)), color: false, files: r.check.files.length });
    return { ok: false, diagnostics: flat('error'), message: `the policy set has ${errors.length} error${errors.length === 1 ? '' : 's'}`, text };
  }
  const ir = r.ir;
  const revision = irHash(ir);
  const common = { ok: true as const, facts: policyFacts(ir), keywordRules: ir.rules.map((r) => keywordRuleOf(r, ir.variants)), revision, limits: await limitsUsage(ir), warnings: flat('warning') };
  if (engine === 'interpreter') return { ...common, ir: shareEqualLists(ir), module: null };
  try {
    return { ...common, ir: null, module: (await writtenModule(ir, revision, r.check.model.root)) ?? freshModule(ir) };
  } catch (e) {
    return { ...common, ir: shareEqualLists(ir), module: null, moduleError: e instanceof Error ? e.message : String(e) };
  }
}

/** The verified bytes of the `.hush/` module written for this IR by this generator, else null. */
async function writtenModule(ir: IrPolicySet, hash: string, root: string | undefined): Promise<{ js: string; data: Uint8Array | null } | null> {
  if (root === undefined) return null;
  const bytes = trustedWrittenModule(root, () => hash);
  if (bytes === null) return null;
  const js = bytes.js.toString('utf8');
  try {
    // Trusted bytes (Hush wrote them for this IR): imported here only to read which generator
    // wrote them; the main thread imports the same bytes again.
    if (!generatedFor(await importModuleText(js), hash, ir.version)) return null;
  } catch {
    return null;
  }
  return { js, data: bytes.data };
}

function freshModule(ir: IrPolicySet): { js: string; data: Uint8Array | null } {
  const m = compileToModule(ir, { data: 'external' });
  return { js: m.js, data: m.data ?? null };
}

/**
 * The IR with equal string lists of rules (their groups, most of all: a large set names the same
 * tens of thousands of groups in hundreds of rules) made one array. Structured cloning keeps
 * shared objects shared, so the main thread deserializes each list once, not once per rule.
 */
function shareEqualLists(ir: IrPolicySet): IrPolicySet {
  const seen = new Map<string, string[]>();
  const share = (xs: string[]): string[] => {
    if (xs.length < 64) return xs;
    const h = createHash('sha256');
    for (const x of xs) h.update(x).update('\u0000');
    const key = `${xs.length}:${h.digest('hex')}`;
    const got = seen.get(key);
    if (got) return got;
    seen.set(key, xs);
    return xs;
  };
  return { ...ir, rules: ir.rules.map((r) => ({ ...r, groups: share(r.groups), exceptions: share(r.exceptions), miniprograms: share(r.miniprograms), cards: share(r.cards) })) };
}

function readSmall(path: string): string | undefined {
  try {
    return statSync(path).size < 64 * 1024 * 1024 ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

const port = parentPort!;
port.on('message', (req: ReloadRequest) => {
  void (async () => {
    let reply: ReloadReply;
    try {
      reply = { id: req.id, result: await loadRequest(req) };
    } catch (e) {
      reply = { id: req.id, error: e instanceof Error ? e.message : String(e) };
    }
    const data = 'result' in reply && reply.result.ok ? reply.result.module?.data : undefined;
    // The data blob (tens of MB for a large set) is moved, not copied, when it owns its buffer.
    const transfer = data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
    port.postMessage(reply, transfer);
  })();
});
