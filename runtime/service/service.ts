// `createService(options)`: the HTTP service over the runtime's embedding API (runtime/index.ts),
// a fastify instance plus its lifecycle. What it serves is spec/service.md; this file wires the
// pieces, each in its own file: the policy holder (policy-holder.ts: one snapshot per tenant,
// swapped atomically on reload), the store watch (store-watch.ts: timing, failures, readiness),
// auth (auth.ts), metrics (metrics.ts), the decision log sink (decision-log.ts) and the routes
// (routes-decide.ts, routes-admin.ts, routes-health.ts). The service imports nothing of the
// compiler: the CLI injects the loader that turns a policy folder into a policy.
import { createHash } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createAsyncEngine, createEngine, keywordRuleOf, keywordTracer, MAX_LINE_BYTES, MemoryStore, type AsyncStore, type IrPolicySet, type OpenedStore, type Store } from '../index.ts';
import { Authenticator, type Scope, type TokenEntry } from './auth.ts';
import { noDecisionLog, type DecisionLogSink } from './decision-log.ts';
import { CODES, errorBody } from './errors.ts';
import { ServiceMetrics } from './metrics.ts';
import { PolicyHolder, type LoadedPolicySet, type PolicyLoader, type PolicySnapshot, type PolicySource, type ReloadOutcome, type ReloadTrigger } from './policy-holder.ts';
import { policyFacts } from '../index.ts';
import { registerAdminRoutes } from './routes-admin.ts';
import { registerDecideRoutes } from './routes-decide.ts';
import { registerEnqueueRoutes, type EventQueue } from './routes-enqueue.ts';
import { registerHealthRoutes } from './routes-health.ts';
import { registerWecomCallbackRoutes, type WecomCallbackOptions } from './routes-wecom-callback.ts';
import { registerWecomArchiveRoutes } from './routes-wecom-archive.ts';
import type { ArchiveOptions } from '../index.ts';
import { StoreWatch } from './store-watch.ts';
import { registerTenantRoutes, TenantMetrics, TenantRegistry, TenantStoreWatch, type Tenant, type TenantSource } from './tenants.ts';

/** The documented caps (spec/service.md, "Limits"). */
export interface ServiceLimits {
  /** The largest body of one event (decide, explain): 4 MiB, the JSONL line cap. */
  bodyBytes: number;
  /** The largest body of a batch: 16 MiB. */
  batchBodyBytes: number;
  /** The most events in one batch: 10,000. */
  batchEvents: number;
  /** The largest policy upload: 64 MiB. */
  uploadBytes: number;
}

export const DEFAULT_LIMITS: ServiceLimits = { bodyBytes: MAX_LINE_BYTES, batchBodyBytes: 16 * 1024 * 1024, batchEvents: 10_000, uploadBytes: 64 * 1024 * 1024 };

export interface ServiceOptions {
  /** The policy's loader and the opened store of a single-tenant service (both required unless `tenants`). */
  loader?: PolicyLoader;
  store?: OpenedStore;
  /** Multi-tenant: the tenants served (spec/service.md, "Tenants"); `loader` and `store` are then not used. */
  tenants?: TenantSource;
  /** Bearer tokens; none: no authentication, and listening only on a loopback address unless `insecure`. */
  tokens?: readonly TokenEntry[];
  insecure?: boolean;
  /** A pino logger (JSON lines); none: silent. */
  logger?: FastifyBaseLogger;
  https?: { cert: string | Buffer; key: string | Buffer };
  limits?: Partial<ServiceLimits>;
  decisionLog?: DecisionLogSink;
  /** The time of events without `at` (default: the system clock). */
  clock?: () => number;
  /** How long /readyz waits for the store (default 1000 ms). */
  readinessTimeoutMs?: number;
  /** How long a graceful close waits for in-flight requests before cutting them (default 30 s). */
  drainTimeoutMs?: number;
  /** Process metrics (CPU, memory, event loop) in /metrics; default true. */
  defaultMetrics?: boolean;
  /** `--enqueue`: the decide routes queue validated events for `hush worker` instead of deciding them (routes-enqueue.ts). */
  enqueue?: EventQueue;
  /** WeCom's callback protocol on /v1/wecom/callback (spec/wecom.md §2); none: the route answers 404 `hush/wecom/not-configured`. */
  wecomCallback?: WecomCallbackOptions;
  /** POST /v1/wecom/archive: the senders and owners lists of archive records (spec/wecom.md §1). */
  wecomArchive?: ArchiveOptions;
}

export type { Tenant } from './tenants.ts';

/** What the routes share. */
export interface ServiceContext {
  tenantFor(req: FastifyRequest): Tenant;
  /** Multi-tenant only: the tenants loaded (readiness covers each one). */
  tenants?: () => Tenant[];
  /** The single tenant's store (in a multi-tenant service each tenant has its own: `tenant.watch`). */
  watch: StoreWatch;
  metrics: ServiceMetrics;
  sink: DecisionLogSink;
  limits: ServiceLimits;
  clock: () => number;
  log: FastifyBaseLogger;
  closing(): boolean;
  readinessTimeoutMs: number;
  reload(trigger: ReloadTrigger, source?: PolicySource): Promise<ReloadOutcome>;
  /** A snapshot's engine on an empty memory store (explanations without state). */
  statelessEngine(snap: PolicySnapshot): ReturnType<typeof createEngine>;
}

export interface Service {
  readonly app: FastifyInstance;
  /** The single tenant's holder (a multi-tenant service throws: see `tenants`). */
  readonly holder: PolicyHolder;
  /** Multi-tenant: the registry of tenants; null for a single-tenant service. */
  readonly tenants: TenantRegistry | null;
  readonly metrics: ServiceMetrics;
  /** Listens; resolves with the address (`http://127.0.0.1:8080`). */
  listen(host: string, port: number): Promise<string>;
  reload(trigger: ReloadTrigger, source?: PolicySource): Promise<ReloadOutcome>;
  /**
   * Stops gracefully: new requests are refused (503), in-flight ones finish, the decision log is
   * flushed and closed, then the store. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  readonly closing: boolean;
}

/** The policy could not be loaded at start: the service does not start. */
export class ServiceStartError extends Error {
  constructor(readonly outcome: Extract<ReloadOutcome, { ok: false }>) {
    super(outcome.message);
  }
}

/** Listening on a non-loopback address without a token, and without `insecure`. */
export class ServiceConfigError extends Error {}

function silentLogger(): FastifyBaseLogger {
  const none = () => {};
  const l = { level: 'silent', fatal: none, error: none, warn: none, info: none, debug: none, trace: none, silent: none, child: () => l };
  return l as unknown as FastifyBaseLogger;
}

/** The revision of an IR when the loader gives none: a short content hash. */
export function irRevision(ir: IrPolicySet): string {
  return createHash('sha256').update(JSON.stringify(ir)).digest('hex').slice(0, 16);
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; none: open (health). */
    scope?: Scope;
    /** The route's name in metrics. */
    name?: string;
  }
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const limits: ServiceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const sink = options.decisionLog ?? noDecisionLog;
  const clock = options.clock ?? Date.now;
  const metrics = new ServiceMetrics(() => sink, { defaultMetrics: options.defaultMetrics });
  sink.attach?.({ written: (seconds) => metrics.logWritten(seconds) });
  if (!options.tenants && (!options.loader || !options.store)) throw new ServiceConfigError('a service needs a loader and a store, or tenants');
  if (options.tenants && options.enqueue) throw new ServiceConfigError('a multi-tenant service cannot queue events for workers (--enqueue): a worker decides with one policy');
  // A multi-tenant service has no store of its own (each tenant opens its own): an unused one.
  const watch = new StoreWatch(options.store ?? { kind: 'sync', store: new MemoryStore(), where: 'memory' }, metrics);
  const auth = new Authenticator(options.tokens ?? []);
  let closing = false;
  let closed: Promise<void> | null = null;

  const app = Fastify({
    // The service logs what it does itself (reloads, store failures, shutdown); fastify logs nothing.
    logger: false,
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
    bodyLimit: limits.bodyBytes,
    return503OnClosing: false,
    // A request Node's parser refuses (a raw non-ASCII URL, a malformed header): the same JSON
    // error, written on the socket.
    clientErrorHandler: (_err, socket) => {
      const body = JSON.stringify(errorBody(CODES.badRequest, 'the request could not be read'));
      if (socket.writable) {
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      } else socket.destroy();
    },
    // A URL fastify cannot read (`%ZZ`) or a bad content type: the same JSON error as any other.
    frameworkErrors: (_err, _req, reply) => {
      (reply as unknown as FastifyReply).code(400).send(errorBody(CODES.badRequest, 'the request could not be read'));
    },
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
  const log: FastifyBaseLogger = options.logger ?? silentLogger();

  const buildOn = (w: StoreWatch) => (loaded: LoadedPolicySet): PolicySnapshot => {
    const { ir, interpreter, policy } = loaded;
    const facts = loaded.facts ?? (ir ? policyFacts(ir) : null);
    const revision = loaded.revision ?? (ir ? irRevision(ir) : null);
    const keywordRules = loaded.keywordRules ?? ir?.rules.map((r) => keywordRuleOf(r, ir.variants));
    if (!facts || revision === null || (!interpreter && !keywordRules)) throw new Error('the loader gave neither the IR nor its facts, revision and keywords');
    const traceKeywords = interpreter ? (group: string, text: string) => interpreter.traceKeywords(group, text) : keywordTracer(keywordRules!, (g) => policy.rulesForGroup(g));
    const engine =
      w.kind === 'sync'
        ? createEngine(policy, { store: w.store as Store, clock, traceKeywords })
        : createAsyncEngine(policy, { store: w.store as AsyncStore, clock, traceKeywords });
    return {
      revision,
      facts,
      policy,
      traceKeywords,
      engineKind: loaded.engine ?? 'compiled',
      limits: loaded.limits ?? [],
      warnings: loaded.warnings ?? [],
      loadedAt: Date.now(),
      engine,
    };
  };
  const build = buildOn(watch);
  const noLoader: PolicyLoader = async () => ({ ok: false, diagnostics: [], message: 'a multi-tenant service loads per tenant' });
  const holder = new PolicyHolder(options.loader ?? noLoader, build, (trigger, outcome) => {
    if (outcome.ok) {
      metrics.reload(trigger, outcome.changed ? 'ok' : 'unchanged');
      if (outcome.changed) metrics.serving(outcome.revision);
      log.info({ event: 'reload', trigger, revision: outcome.revision, previous: outcome.previous, changed: outcome.changed }, outcome.changed ? 'policy loaded' : 'policy unchanged');
    } else {
      metrics.reload(trigger, 'refused');
      log.warn({ event: 'reload', trigger, revision: outcome.revision, diagnostics: outcome.diagnostics }, `policy refused: ${outcome.message}`);
    }
  });
  const tenant: Tenant = { id: '', holder, watch };

  // Multi-tenant (spec/service.md, "Tenants"): a registry of tenants created on first request,
  // each with its own store, holder and per-tenant metrics; the request's tenant is resolved by a
  // hook (path or `Hush-Enterprise` header) before any handler runs.
  let registry: TenantRegistry | null = null;
  const requestTenant = new WeakMap<FastifyRequest, Tenant>();
  let ctxTenants: Partial<Pick<ServiceContext, 'tenantFor' | 'tenants'>> = {};
  let tenantMetrics: TenantMetrics | null = null;
  if (options.tenants) {
    const source = options.tenants;
    const tm = (tenantMetrics = new TenantMetrics(metrics, () => registry?.tenants().length ?? 0));
    registry = new TenantRegistry(source, (name, opened) => {
      const w = new TenantStoreWatch(opened, metrics, (code) => tm.storeErrors.labels(name, code).inc());
      const h = new PolicyHolder(source.loader(name), buildOn(w), (trigger, outcome) => {
        const result = !outcome.ok ? 'refused' : outcome.changed ? 'ok' : 'unchanged';
        metrics.reload(trigger, result);
        tm.reloads.labels(name, trigger, result).inc();
        if (outcome.ok) {
          if (outcome.changed) tm.serving(name, outcome.revision);
          log.info({ event: 'reload', tenant: name, trigger, revision: outcome.revision, previous: outcome.previous, changed: outcome.changed }, `${name}: ${outcome.changed ? 'policy loaded' : 'policy unchanged'}`);
        } else {
          log.warn({ event: 'reload', tenant: name, trigger, revision: outcome.revision, diagnostics: outcome.diagnostics }, `${name}: policy refused: ${outcome.message}`);
        }
      });
      return { id: name, holder: h, watch: w };
    });
    ctxTenants = {
      tenantFor: (req) => requestTenant.get(req)!,
      tenants: () => registry!.tenants(),
    };
  }

  const ctx: ServiceContext = {
    tenantFor: () => tenant,
    ...ctxTenants,
    watch,
    metrics,
    sink,
    limits,
    clock,
    log,
    closing: () => closing,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 1000,
    reload: (trigger, source) => holder.reload(trigger, source),
    statelessEngine: (snap) => createEngine(snap.policy, { clock, traceKeywords: snap.traceKeywords }),
  };

  // Bodies are handed over as the bytes read, whatever the content type says, and read as text by
  // the routes (batch-body.ts): events are validated from their text (a repeated key is refused,
  // spec/runtime.md), and a batch is cut into events before it is decoded, piece by piece.
  app.removeAllContentTypeParsers();
  const asBytes = (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, body);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, asBytes);
  // The same parser by name for the usual types: fastify remembers the parser of a content type
  // it found by name, while the catch-all is looked for again, header parsed, on every request.
  app.addContentTypeParser(['application/json', 'application/x-ndjson'], { parseAs: 'buffer' }, asBytes);

  // Hooks in callback style: an async hook costs a promise per request.
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (closing) {
      reply.header('connection', 'close');
      reply.code(503).send(errorBody(CODES.shuttingDown, 'the service is shutting down'));
      return;
    }
    const scope = req.routeOptions.config?.scope;
    if (scope === undefined) return done();
    const r = auth.check(req.headers.authorization, scope);
    if (r === 'unauthorized') {
      reply.header('www-authenticate', 'Bearer');
      reply.code(401).send(errorBody(CODES.unauthorized, 'a valid bearer token is required'));
      return;
    }
    if (r === 'forbidden') {
      reply.code(403).send(errorBody(CODES.forbidden, 'the token does not allow this'));
      return;
    }
    done();
  });
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    metrics.response(req.routeOptions.config?.name ?? 'none', reply.statusCode);
    done();
  });
  if (registry && tenantMetrics) registerTenantRoutes(app, ctx, registry, requestTenant, tenantMetrics);
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(CODES.notFound, 'no such endpoint'));
  });
  app.setErrorHandler((err: { code?: string; statusCode?: number; message?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      const cap = req.routeOptions.bodyLimit ?? limits.bodyBytes;
      return reply.code(413).send(errorBody(CODES.bodyTooLarge, `the body is larger than ${cap} bytes`));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody(CODES.badRequest, 'the request could not be read'));
    }
    // Hush's own failure: logged without a stack trace (HUSH_DEBUG adds it), answered without detail.
    log.error({ event: 'internal-error', code: err.code, route: req.routeOptions.config?.name, ...(process.env.HUSH_DEBUG ? { stack: (err as Error).stack } : {}) }, `internal error: ${err.message ?? String(err)}`);
    return reply.code(500).send(errorBody(CODES.internal, 'internal error'));
  });

  if (options.enqueue) registerEnqueueRoutes(app, ctx, options.enqueue);
  registerDecideRoutes(app, ctx, { decide: !options.enqueue });
  registerAdminRoutes(app, ctx);
  registerHealthRoutes(app, ctx);
  registerWecomCallbackRoutes(app, ctx, options.wecomCallback);
  registerWecomArchiveRoutes(app, ctx, options.wecomArchive);

  const first = registry ? null : await holder.reload('start');
  if (first && !first.ok) {
    await watch.close();
    throw new ServiceStartError(first);
  }

  const close = (): Promise<void> =>
    (closed ??= (async () => {
      closing = true;
      log.info({ event: 'shutdown' }, 'shutting down: finishing in-flight requests');
      const cut = setTimeout(() => app.server.closeAllConnections?.(), options.drainTimeoutMs ?? 30_000);
      cut.unref();
      // A keep-alive connection whose request finishes becomes idle: close it then, rather than
      // when the client's idle timeout ends it.
      const idle = setInterval(() => app.server.closeIdleConnections?.(), 50);
      idle.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
        clearInterval(idle);
      }
      await sink.flush();
      await sink.close();
      await registry?.close();
      await options.enqueue?.close();
      await watch.close();
      log.info({ event: 'stopped' }, 'stopped');
    })());

  return {
    app,
    get holder() {
      if (registry) throw new Error('a multi-tenant service has no single policy holder: see `tenants`');
      return holder;
    },
    tenants: registry,
    metrics,
    async listen(host, port) {
      if (!auth.enabled && !options.insecure && !isLoopback(host)) {
        throw new ServiceConfigError(`no token is configured, so the service listens only on a loopback address (127.0.0.1, ::1), not ${host}; configure tokens or pass --insecure`);
      }
      await app.listen({ host, port });
      const a = app.server.address();
      const bound = typeof a === 'object' && a !== null ? a : { address: host, port, family: 'IPv4' };
      const h = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      const url = `${options.https ? 'https' : 'http'}://${h}:${bound.port}`;
      log.info({ event: 'listening', url, ...(registry ? { tenants: registry.names().length } : { revision: holder.current?.revision, store: watch.where }), auth: auth.enabled }, `listening on ${url}`);
      return url;
    },
    reload: async (trigger, source) => {
      if (!registry) return holder.reload(trigger, source);
      // Every loaded tenant, each on its own: the first refusal, or ok (changed if any changed).
      const all = [...(await registry.reloadAll(trigger)).values()];
      return all.find((o) => !o.ok) ?? { ok: true, revision: '', previous: null, changed: all.some((o) => o.ok && o.changed) };
    },
    close,
    get closing() {
      return closing;
    },
  };
}
