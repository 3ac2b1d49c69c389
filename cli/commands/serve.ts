// `hush serve [POLICY]`: the runtime as an HTTP service (spec/service.md). This file is the
// command: it reads the options, builds the policy loader (check, lower, generate, as
// load-policy.ts does, but returning the diagnostics instead of printing them, so a reload of a
// broken set can be refused and answered; all but importing the result run in a worker thread,
// serve-reload-worker.ts), opens the store (`--store`, as for `hush run`; the
// embedded SQLite file by default), reads the tokens and the TLS files, logs JSON lines to
// stderr with pino, installs the signal handlers (SIGHUP reloads; SIGTERM and SIGINT stop
// gracefully, a second one at once) and watches the policy folder when asked. The service itself
// is runtime/service/, which never imports the compiler.
import { existsSync, readFileSync, statSync, watch as watchPath, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Logger } from 'pino';
import { interpretIr, loadWorker, type InterpretedPolicy, type IrPolicySet } from '../../runtime/index.ts';
// The service (fastify, pino, prom-client) is loaded only by this command: every other command
// starts without it.
import type {
  LimitUsage,
  PolicyLoader,
  PolicyLoadResult,
  PolicySource,
  Service,
  TokenEntry,
} from '../../runtime/service/index.ts';

type ServiceModule = typeof import('../../runtime/service/index.ts');
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { ENGINES, type EngineChoice } from '../load-policy.ts';
import { ReloadWorker, type WorkerLoadResult } from '../serve-reload-worker.ts';
import { openStore, STORE_HELP } from '../store-option.ts';
import type { RegisterCommand } from './index.ts';
import { loadArchiveOptions, WECOM_OWNERS_HELP, WECOM_SENDERS_HELP } from './run.ts';
import { parseWecomCallbackConfig, WecomConfigError, type WecomCallbackConfig } from '../../runtime/index.ts';

export interface ServeOptions {
  listen?: string;
  store?: string;
  engine?: EngineChoice;
  tokensFile?: string;
  tokensEnv?: string;
  insecure?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  watch?: boolean;
  /** Multi-tenant: a folder of policy sets, one per enterprise (spec/service.md, "Tenants"). */
  tenants?: string;
  maxBody?: string;
  maxBatchBody?: string;
  maxBatchEvents?: string;
  logLevel?: string;
  decisionLog?: string;
  decisionLogMode?: string;
  decisionLogMask?: string;
  decisionLogQueue?: string;
  /** `--enqueue redis://…/STREAM`: queue validated events for `hush worker` instead of deciding them. */
  enqueue?: string;
  enqueueMax?: string;
  /** POST /v1/wecom/archive: the senders and owners lists (spec/wecom.md §1). */
  wecomSenders?: string;
  wecomOwners?: string;
  /** GET|POST /v1/wecom/callback: WeCom's callback settings, a JSON file or an environment variable (spec/wecom.md §2). */
  wecomCallback?: string;
  wecomCallbackEnv?: string;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (loopback). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), not \`${s}\``);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${name} must be a whole number of 1 or more, not \`${v}\``);
  return Number(v);
}

/** The tokens `--tokens-file` and `--tokens-env` name (both may be given); none: []. */
function readTokens(svc: ServiceModule, opts: ServeOptions, cwd: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  try {
    if (opts.tokensFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(resolve(cwd, opts.tokensFile), 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read the tokens file ${opts.tokensFile} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      }
      out.push(...svc.parseTokens(text, opts.tokensFile));
    }
    if (opts.tokensEnv !== undefined) {
      const text = process.env[opts.tokensEnv];
      if (text === undefined) throw new UsageError(`the environment variable ${opts.tokensEnv} is not set`);
      out.push(...svc.parseTokens(text, `$${opts.tokensEnv}`));
    }
  } catch (e) {
    if (e instanceof svc.TokenFileError) throw new UsageError(e.message);
    throw e;
  }
  return out;
}

/**
 * WeCom's callback settings (`--wecom-callback FILE` or `--wecom-callback-env NAME`: one JSON
 * object with token, encoding_aes_key, corp_id): none without either option. A file or variable
 * that cannot be read or is malformed is bad usage; the message names the field, never a secret.
 */
function readWecomCallback(opts: ServeOptions, cwd: string): WecomCallbackConfig | undefined {
  if (opts.wecomCallback !== undefined && opts.wecomCallbackEnv !== undefined) throw new UsageError('give --wecom-callback FILE or --wecom-callback-env NAME, not both');
  let text: string;
  let source: string;
  if (opts.wecomCallback !== undefined) {
    source = opts.wecomCallback;
    try {
      text = readFileSync(resolve(cwd, opts.wecomCallback), 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read the WeCom callback settings ${opts.wecomCallback} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  } else if (opts.wecomCallbackEnv !== undefined) {
    source = `$${opts.wecomCallbackEnv}`;
    const v = process.env[opts.wecomCallbackEnv];
    if (v === undefined) throw new UsageError(`the environment variable ${opts.wecomCallbackEnv} is not set`);
    text = v;
  } else return undefined;
  try {
    return parseWecomCallbackConfig(text, source);
  } catch (e) {
    if (e instanceof WecomConfigError) throw new UsageError(e.message);
    throw e;
  }
}

function readTls(opts: ServeOptions, cwd: string): { cert: Buffer; key: Buffer } | undefined {
  if (opts.tlsCert === undefined && opts.tlsKey === undefined) return undefined;
  if (opts.tlsCert === undefined || opts.tlsKey === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  const read = (what: string, p: string) => {
    try {
      return readFileSync(resolve(cwd, p));
    } catch (e) {
      throw new UsageError(`cannot read the TLS ${what} ${p} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  };
  return { cert: read('certificate', opts.tlsCert), key: read('key', opts.tlsKey) };
}

/** How much of each documented limit the set uses: its largest use per limit. */
export async function limitsUsage(ir: IrPolicySet): Promise<LimitUsage[]> {
  const { loadProfile } = await import('../../compiler/load/limits-profile.ts');
  const profile = loadProfile(ir.profile);
  if (!profile) return [];
  const uses = new Map<string, { used: number; subject: string }>();
  const note = (limit: string, used: number, subject: string) => {
    const u = uses.get(limit);
    if (!u || used > u.used) uses.set(limit, { used, subject });
  };
  const owners = new Map<string, { limit: string; subject: string; n: number }>();
  for (const r of ir.rules) {
    note('keywords-per-rule', r.keywords.length, `keywords in rule "${r.name}"`);
    note('links-per-rule', r.links.length, `whitelisted links of rule "${r.name}"`);
    note('miniprograms-per-rule', r.miniprograms.length, `whitelisted mini-programs of rule "${r.name}"`);
    note('groups-per-rule', r.groups.length, `groups of rule "${r.name}"`);
    const o = r.owner;
    if (!o) continue;
    const [key, limit, subject] =
      o.role === 'super-admin'
        ? ['super-admin', 'rules-per-super-admins', 'rules of all super admins']
        : o.role === 'rule-manager'
          ? [`rm\u0000${o.managementRule}`, 'rules-per-management-rule', `rules of management rule "${o.managementRule}"`]
          : [`m\u0000${o.id}`, 'rules-per-member', `rules of member "${o.id}"`];
    const e = owners.get(key) ?? { limit, subject, n: 0 };
    e.n++;
    owners.set(key, e);
  }
  for (const e of owners.values()) note(e.limit, e.n, e.subject);
  note('enterprise-blacklist', ir.enterpriseBlacklist.length, 'customers on the enterprise blacklist');
  for (const p of ir.personalBlacklists) note('personal-blacklist', p.customers.length, `customers on the personal blacklist of "${p.owner}"`);
  return profile.limits.filter((l) => uses.has(l.id)).map((l) => ({ limit: l.id, max: l.max, used: uses.get(l.id)!.used, subject: uses.get(l.id)!.subject }));
}

/**
 * The loader the service reloads with: the configured policy path (checked again each time), or
 * uploaded files written to a temporary folder. Reading, checking, lowering and generating run
 * in the reload worker (serve-reload-worker.ts), off the thread that answers requests; here only
 * the generated module is imported from the bytes the worker sent (or the interpreter built from
 * the IR). A set with an error comes back as its diagnostics (data, and the human rendering for
 * the log), never printed.
 */
export function policyLoader(policyPath: string, cwd: string, engine: EngineChoice | undefined, worker: ReloadWorker): PolicyLoader {
  return async (source: PolicySource): Promise<PolicyLoadResult> => finishLoad(await worker.load({ source, path: policyPath, cwd, engine }), engine);
}

async function finishLoad(r: WorkerLoadResult, engine: EngineChoice | undefined): Promise<PolicyLoadResult> {
  if (!r.ok) return r;
  const common = { facts: r.facts, keywordRules: r.keywordRules, revision: r.revision, limits: r.limits, warnings: r.warnings };
  const interpreted = (cause?: unknown): PolicyLoadResult => {
    // The worker sends the IR only when the interpreter is wanted or there is no module.
    if (!r.ir) throw cause ?? new Error('no IR to interpret');
    const interpreter = interpretIr(r.ir);
    return { ok: true, loaded: { ...common, interpreter, policy: interpreter, engine: 'interpreter' } };
  };
  if (engine === 'interpreter') return interpreted();
  try {
    if (!r.module) throw new Error(r.moduleError ?? 'no generated module');
    const { policyFromModuleText } = await import('../../compiler/codegen/load-module.ts');
    // `explain` takes its keyword trace from the keyword rules (runtime keywordTracer), not
    // from an interpreter: neither it nor the IR is held by the serving thread.
    return { ok: true, loaded: { ...common, policy: await policyFromModuleText(r.module.js, r.module.data), engine: 'compiled' } };
  } catch (e) {
    if (engine === 'compiled') throw e;
    return interpreted(e);
  }
}

/** JSON lines on stderr (fd 2, written synchronously: nothing is lost when the process exits). */
async function makeLogger(level: string): Promise<Logger> {
  const { pino } = await import('pino');
  return pino({ level, base: { name: 'hush' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
}

/**
 * The decision log `--decision-log PATH|-` names, opened before the store (a log that cannot be
 * used is exit 2 with hush/service/log-unusable); none without the option. Write failures are
 * logged (at most one line a second) and counted in /metrics.
 */
async function openLog(svc: ServiceModule, opts: ServeOptions, cwd: string, logger: Logger) {
  if (opts.decisionLog === undefined) {
    if (opts.decisionLogMode !== undefined || opts.decisionLogMask !== undefined || opts.decisionLogQueue !== undefined) throw new UsageError('--decision-log-mode, --decision-log-mask and --decision-log-queue need --decision-log PATH (or - for stdout)');
    return undefined;
  }
  const queue = positiveInt('--decision-log-queue', opts.decisionLogQueue);
  const mode = opts.decisionLogMode as 'durable' | 'buffered' | undefined;
  if (queue !== undefined && (mode ?? (opts.decisionLog === '-' ? 'buffered' : 'durable')) !== 'buffered') throw new UsageError('--decision-log-queue is the capacity of a buffered decision log: give --decision-log-mode buffered');
  let lastLogged = 0;
  let unlogged = 0;
  try {
    return await svc.openDecisionLog({
      path: opts.decisionLog === '-' ? '-' : resolve(cwd, opts.decisionLog),
      mode,
      mask: opts.decisionLogMask as 'text' | undefined,
      queue,
      onError: (err, lines) => {
        unlogged += lines;
        const now = Date.now();
        if (now - lastLogged < 1000) return;
        lastLogged = now;
        logger.error({ event: 'decision-log-error', code: 'hush/service/log-failed', errno: err.code, lines: unlogged }, `the decision log could not be written (${err.code ?? 'error'}): ${unlogged} line${unlogged === 1 ? '' : 's'} lost`);
        unlogged = 0;
      },
    });
  } catch (e) {
    if (e instanceof svc.DecisionLogOpenError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
}

/**
 * The queue `--enqueue redis://HOST[:PORT][/DB]/STREAM` names (spec/deploy.md §4), opened at
 * start: a bad URL, a server that cannot be reached or a key that is not a stream is exit 2 with
 * its `hush/worker/*` code. `--enqueue-max` bounds the stream's length (default 1,000,000).
 */
async function openQueue(opts: ServeOptions) {
  if (opts.enqueue === undefined) {
    if (opts.enqueueMax !== undefined) throw new UsageError('--enqueue-max needs --enqueue');
    return undefined;
  }
  if (opts.tenants !== undefined) throw new UsageError('--enqueue queues events for `hush worker`, which decides with one policy: it cannot be combined with --tenants');
  const maxLength = positiveInt('--enqueue-max', opts.enqueueMax);
  const w = await loadWorker();
  try {
    return await w.StreamQueue.open(w.streamTarget(opts.enqueue), { maxLength });
  } catch (e) {
    if (e instanceof w.WorkerError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
}

/** Watches the policy path; a change (outside hidden folders such as `.hush/`) reloads, debounced; `close` stops both. */
export function watchPolicy(path: string, reload: () => void): { close(): void } | null {
  let timer: NodeJS.Timeout | null = null;
  const onChange = (_e: string, name: string | Buffer | null) => {
    const n = name === null ? '' : String(name);
    if (n.split(/[\\/]/).some((p) => p.startsWith('.'))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      reload();
    }, 250);
  };
  const dir = statSync(path).isDirectory();
  try {
    const w: FSWatcher = watchPath(path, { recursive: dir, persistent: false }, onChange);
    w.on('error', () => undefined);
    // Closing also drops a reload still waiting out its debounce: none may start after the stop.
    return {
      close: () => {
        if (timer) clearTimeout(timer);
        timer = null;
        w.close();
      },
    };
  } catch {
    return null;
  }
}

export interface ServeHandle {
  service: Service;
  url: string;
  /** Resolves with the exit status once the service has stopped. */
  stopped: Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the service. Returns null after writing the reason to stderr when the policy set has
 * an error (exit 1); throws a UsageError for bad options (exit 2).
 */
export async function startServe(policy: string, opts: ServeOptions, io: CliIO, signals = true): Promise<ServeHandle | null> {
  const svc = await import('../../runtime/service/index.ts');
  const { host, port } = parseListen(opts.listen ?? DEFAULT_LISTEN);
  const tokens = readTokens(svc, opts, io.cwd);
  const https = readTls(opts, io.cwd);
  const limits = {
    bodyBytes: positiveInt('--max-body', opts.maxBody),
    batchBodyBytes: positiveInt('--max-batch-body', opts.maxBatchBody),
    batchEvents: positiveInt('--max-batch-events', opts.maxBatchEvents),
  };
  if (opts.tenants !== undefined && policy !== '.') throw new UsageError('give a POLICY or --tenants DIR, not both');
  const wecomArchive = loadArchiveOptions({ senders: opts.wecomSenders, owners: opts.wecomOwners }, io);
  if (!wecomArchive) return null;
  const wecomCallback = readWecomCallback(opts, io.cwd);
  if (wecomCallback && opts.tenants !== undefined) throw new UsageError('--wecom-callback serves one enterprise: it cannot be combined with --tenants');
  const policyPath = resolve(io.cwd, opts.tenants ?? policy);
  if (!existsSync(policyPath)) throw new UsageError(`no such file or folder: ${opts.tenants ?? policy}`);
  // Opened first: a queue that cannot be used is exit 2 before anything else is started.
  const queue = await openQueue(opts);
  const logger = await makeLogger(opts.logLevel ?? 'info');
  // One reload worker for every load of this service (and of all its tenants), stopped with it.
  const reloads = new ReloadWorker();
  // Multi-tenant: the tenants of DIR, each loaded on its first request, with its own store.
  const tenants =
    opts.tenants === undefined
      ? undefined
      : await (await import('../serve-tenants.ts')).tenantSource(policyPath, opts.store ?? 'sqlite', io.cwd, (folder) => policyLoader(folder, io.cwd, opts.engine, reloads), (m) => logger.warn({ event: 'tenant-skipped' }, m));
  let decisionLog: Awaited<ReturnType<typeof openLog>>;
  try {
    decisionLog = await openLog(svc, opts, io.cwd, logger);
  } catch (e) {
    await queue?.close();
    throw e;
  }
  let opened: Awaited<ReturnType<typeof openStore>>;
  try {
    opened = await openStore(tenants ? 'memory' : (opts.store ?? 'sqlite'), io.cwd);
  } catch (e) {
    await decisionLog?.close();
    await queue?.close();
    throw e;
  }
  let service: Service;
  try {
    service = await svc.createService({
      loader: policyLoader(policy, io.cwd, opts.engine, reloads),
      tenants,
      store: opened,
      tokens,
      insecure: opts.insecure,
      logger,
      https,
      limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
      decisionLog,
      enqueue: queue,
      wecomArchive,
      ...(wecomCallback ? { wecomCallback: { config: wecomCallback } } : {}),
    });
  } catch (e) {
    await decisionLog?.close();
    await queue?.close();
    await reloads.close();
    if (e instanceof svc.ServiceStartError) {
      if (e.outcome.text) io.stderr(e.outcome.text);
      io.stderr(e.outcome.diagnostics.length > 0 ? 'hush: the policy set has errors; fix them first (`hush check` shows them all)\n' : `hush: ${e.outcome.message}\n`);
      return null;
    }
    await opened.store.close();
    throw e;
  }
  let url: string;
  try {
    url = await service.listen(host, port);
  } catch (e) {
    await service.close();
    await reloads.close();
    if (e instanceof svc.ServiceConfigError) throw new UsageError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${opts.listen ?? DEFAULT_LISTEN} (${code})`);
    throw e;
  }

  const watcher = opts.watch ? watchPolicy(policyPath, () => void service.reload('watch')) : null;
  let signalled = 0;
  let finish!: (status: number) => void;
  const stopped = new Promise<number>((r) => (finish = r));
  const stop = async () => {
    watcher?.close();
    process.off('SIGHUP', onHup);
    // The stop handlers stay until the service has stopped: a second signal must find them.
    try {
      await service.close();
    } finally {
      await reloads.close();
      process.off('SIGTERM', onStop).off('SIGINT', onStop);
    }
    finish(EXIT.ok);
  };
  const onHup = () => void service.reload('signal');
  const onStop = (sig: NodeJS.Signals) => {
    signalled++;
    if (signalled > 1) {
      logger.warn({ event: 'exit', signal: sig }, 'second signal: exiting at once');
      process.exit(EXIT.failed);
    }
    logger.info({ event: 'signal', signal: sig }, `${sig}: stopping (send it again to exit at once)`);
    stop().catch((e: unknown) => {
      logger.error({ event: 'shutdown-failed' }, `shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
      finish(EXIT.failed);
    });
  };
  if (signals) {
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
  }
  return { service, url, stopped, stop };
}

export async function runServe(policy: string, opts: ServeOptions, io: CliIO): Promise<number> {
  const handle = await startServe(policy, opts, io);
  if (!handle) return EXIT.failed;
  return handle.stopped;
}

export const registerServe: RegisterCommand = (program, io, setStatus) => {
  program
    .command('serve')
    .description('serve decisions over HTTP (spec/service.md)')
    .argument('[policy]', 'the policy set: a file or a folder', '.')
    .option('--listen <host:port>', 'the address to listen on', DEFAULT_LISTEN)
    .option('--store <store>', STORE_HELP, 'sqlite')
    .addOption(new Option('--engine <engine>', 'the policy implementation (default: compiled when available)').choices(ENGINES))
    .option('--tokens-file <path>', 'bearer tokens, one `decide:TOKEN` or `admin:TOKEN` per line')
    .option('--tokens-env <name>', 'an environment variable holding tokens in the same form (comma- or space-separated)')
    .option('--insecure', 'allow listening on a non-loopback address without tokens')
    .option('--tls-cert <path>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <path>', 'and this private key (PEM)')
    .option('--watch', 'reload when a file of the policy set changes')
    .option('--tenants <dir>', 'serve many enterprises: each sub-folder of DIR is a policy set, keyed by its `enterprise` name')
    .option('--max-body <bytes>', 'the largest body of one event (default 4194304)')
    .option('--max-batch-body <bytes>', 'the largest body of a batch (default 16777216)')
    .option('--max-batch-events <n>', 'the most events in one batch (default 10000)')
    .option('--decision-log <path>', 'write one JSON line per decision to this file (appended, created 0600), or - for stdout')
    .addOption(new Option('--decision-log-mode <mode>', 'durable: each line is synced before its answer (default for a file); buffered: a bounded queue, never waits (default for -)').choices(['durable', 'buffered']))
    .addOption(new Option('--decision-log-mask <field>', "replace each message's text in the decision log by its length and a hash").choices(['text']))
    .option('--decision-log-queue <n>', 'the capacity of a buffered decision log, in lines (default 10000; a full queue drops and counts)')
    .option('--enqueue <stream>', 'queue validated events on a Redis Stream for `hush worker` instead of deciding them (202): redis://HOST[:PORT][/DB]/STREAM')
    .option('--enqueue-max <n>', 'the most entries the queue stream may hold; past it events are refused with 503, never dropped (default 1000000)')
    .option('--wecom-senders <file>', WECOM_SENDERS_HELP)
    .option('--wecom-owners <file>', WECOM_OWNERS_HELP)
    .option('--wecom-callback <file>', "serve WeCom's callback on /v1/wecom/callback: a JSON file with token, encoding_aes_key and corp_id")
    .option('--wecom-callback-env <name>', 'the same JSON in an environment variable')
    .addOption(new Option('--log-level <level>', 'the least severe log lines written').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (policy: string, opts: ServeOptions) => {
      setStatus(await runServe(policy, opts, io));
    });
};
