// Multi-tenant serving (spec/service.md, "Tenants"): one process serves many enterprises, each a
// policy set keyed by its `enterprise` name. The registry knows only the names its source lists
// (the CLI discovers them from the sub-folders of `--tenants DIR`); a tenant is created on its
// first request (its store opened, its set loaded) and never before, reloads on its own, and
// shares nothing of its state with another (its own store: a MemoryStore, a SQLite file, a Redis
// key prefix). An enterprise name from a request is untrusted: it must match TENANT_NAME and be
// one of the listed names, looked up in a Map; it never becomes a path or a probe.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import { StoreError, type OpenedStore } from '../index.ts';
import { CODES, errorBody, storeErrorBody } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { PolicyHolder, PolicyLoader, ReloadOutcome, ReloadTrigger } from './policy-holder.ts';
import { registerAdminRoutes } from './routes-admin.ts';
import { registerDecideRoutes } from './routes-decide.ts';
import type { ServiceContext } from './service.ts';
import { StoreWatch } from './store-watch.ts';

/**
 * A name a tenant may have: 1 to 64 ASCII letters, digits, `.`, `_`, `-`, starting and ending
 * with a letter or a digit (so never `.`, `..`, a hidden name, a separator or a drive letter).
 */
export const TENANT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;

export function isTenantName(name: string): boolean {
  return TENANT_NAME.test(name);
}

/** Where tenants come from: injected by the CLI (the service never reads policy folders). */
export interface TenantSource {
  /** The enterprise names served (each valid per TENANT_NAME); asked again on a reload of all. */
  list(): readonly string[];
  /** The loader of one tenant's policy set. */
  loader(name: string): PolicyLoader;
  /** Opens one tenant's store (a StoreError when it cannot). */
  openStore(name: string): Promise<OpenedStore>;
}

/** A tenant: a policy holder, its store and its name ('' for the one tenant of a single-policy service). */
export interface Tenant {
  id: string;
  holder: PolicyHolder;
  watch: StoreWatch;
}

/** Per-tenant metrics (bounded: only listed tenants, and only once loaded, get a series). */
export class TenantMetrics {
  readonly loaded: Gauge;
  readonly revision: Gauge<'tenant' | 'revision'>;
  readonly reloads: Counter<'tenant' | 'trigger' | 'result'>;
  readonly responses: Counter<'tenant' | 'route' | 'status'>;
  readonly storeErrors: Counter<'tenant' | 'code'>;

  constructor(metrics: ServiceMetrics, count: () => number) {
    const registers = [metrics.registry];
    this.loaded = new Gauge({
      name: 'hush_tenants_loaded',
      help: 'Tenants loaded (created on their first request)',
      registers,
      collect() {
        this.set(count());
      },
    });
    this.revision = new Gauge({ name: 'hush_tenant_policy_revision_info', help: 'The policy revision each loaded tenant serves (value 1)', labelNames: ['tenant', 'revision'], registers });
    this.reloads = new Counter({ name: 'hush_tenant_reloads_total', help: 'Policy reloads of each tenant, by trigger and result', labelNames: ['tenant', 'trigger', 'result'], registers });
    this.responses = new Counter({ name: 'hush_tenant_http_responses_total', help: 'HTTP responses of tenant routes, by tenant, route and status code', labelNames: ['tenant', 'route', 'status'], registers });
    this.storeErrors = new Counter({ name: 'hush_tenant_store_errors_total', help: 'State store failures of each tenant, by hush/store/* code', labelNames: ['tenant', 'code'], registers });
  }

  serving(tenant: string, revision: string): void {
    this.revision.remove({ tenant });
    this.revision.labels(tenant, revision).set(1);
  }
}

export class TenantRegistry {
  private known = new Set<string>();
  private readonly pending = new Map<string, Promise<Tenant>>();
  private readonly loaded = new Map<string, Tenant>();
  private closing = false;

  constructor(
    private readonly source: TenantSource,
    /** Builds a tenant over its opened store (the service's: holder, watch, metrics). */
    private readonly make: (name: string, opened: OpenedStore) => Tenant,
  ) {
    this.refresh();
  }

  /** Reads the source's list again (a tenant already loaded stays loaded). */
  refresh(): void {
    this.known = new Set(this.source.list().filter(isTenantName));
  }

  /** Whether `name` is a listed tenant (an exact, case-sensitive match; nothing is probed). */
  has(name: string): boolean {
    return this.known.has(name);
  }

  names(): string[] {
    return [...this.known].sort();
  }

  /** The tenants created so far, in the order they were. */
  tenants(): Tenant[] {
    return [...this.loaded.values()];
  }

  get(name: string): Tenant | undefined {
    return this.loaded.get(name);
  }

  /**
   * The tenant `name` (listed), created on first use: its store opened and its set loaded once,
   * however many requests ask at the same time. A set with an error leaves the tenant without a
   * policy (its requests answer 503 `hush/service/no-policy` until a reload loads it); a store
   * that cannot be opened rejects with its StoreError and is tried again on the next request.
   */
  acquire(name: string): Promise<Tenant> {
    const done = this.loaded.get(name);
    if (done) return Promise.resolve(done);
    let p = this.pending.get(name);
    if (p) return p;
    if (!this.known.has(name)) return Promise.reject(new Error(`unknown tenant ${name}`));
    if (this.closing) return Promise.reject(new Error('the service is shutting down'));
    p = (async () => {
      const opened = await this.source.openStore(name);
      const tenant = this.make(name, opened);
      await tenant.holder.reload('start');
      this.loaded.set(name, tenant);
      return tenant;
    })().finally(() => this.pending.delete(name));
    this.pending.set(name, p);
    return p;
  }

  /** Reloads every loaded tenant (after reading the source's list again); each on its own. */
  async reloadAll(trigger: ReloadTrigger): Promise<Map<string, ReloadOutcome>> {
    this.refresh();
    const out = new Map<string, ReloadOutcome>();
    await Promise.all(this.tenants().map(async (t) => out.set(t.id, await t.holder.reload(trigger))));
    return out;
  }

  /** Closes every tenant's store (after any tenant still being created). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.pending.values()]);
    await Promise.allSettled(this.tenants().map((t) => t.watch.close()));
  }
}

/** A tenant's store watch: its failures also counted under its name. */
export class TenantStoreWatch extends StoreWatch {
  constructor(
    opened: OpenedStore,
    metrics: ServiceMetrics,
    private readonly onFailure: (code: string) => void,
  ) {
    super(opened, metrics);
  }

  override failed(e: StoreError): void {
    super.failed(e);
    this.onFailure(e.code);
  }
}

/** The routes a tenant is resolved for: every route with a scope but these. */
const UNTENANTED = new Set(['metrics', 'tenants']);

/**
 * Multi-tenant routes and hooks: every decide and admin route again under `/v1/t/{enterprise}/`
 * (`/v1/decide` → `/v1/t/{enterprise}/decide`), the tenant of each request resolved before its
 * handler (path, or the `Hush-Enterprise` header on the plain routes; both: they must agree), the
 * per-tenant response counter, and `GET /v1/tenants` (admin).
 */
export function registerTenantRoutes(app: FastifyInstance, ctx: ServiceContext, registry: TenantRegistry, requestTenant: WeakMap<FastifyRequest, Tenant>, tm: TenantMetrics): void {
  // After the auth hook (registered before this one): an unauthenticated request loads nothing.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const config = req.routeOptions.config;
    if (config?.scope === undefined || UNTENANTED.has(config.name ?? '')) return;
    const fromPath = (req.params as { enterprise?: string } | undefined)?.enterprise;
    const header = req.headers['hush-enterprise'];
    if (Array.isArray(header)) return reply.code(400).send(errorBody(CODES.badTenant, 'give the Hush-Enterprise header once'));
    if (fromPath !== undefined && header !== undefined && header !== fromPath) {
      return reply.code(400).send(errorBody(CODES.tenantMismatch, 'the Hush-Enterprise header names another enterprise than the path'));
    }
    const name = fromPath ?? header;
    if (name === undefined) return reply.code(400).send(errorBody(CODES.noTenant, 'name the enterprise: /v1/t/{enterprise}/… or the Hush-Enterprise header'));
    if (!isTenantName(name)) return reply.code(400).send(errorBody(CODES.badTenant, 'an enterprise name is 1 to 64 letters, digits, `.`, `_` or `-`'));
    if (!registry.has(name)) return reply.code(404).send(errorBody(CODES.unknownTenant, 'no such enterprise'));
    let tenant: Tenant;
    try {
      tenant = await registry.acquire(name);
    } catch (e) {
      if (e instanceof StoreError) {
        ctx.log.warn({ event: 'store-error', tenant: name, code: e.code, where: e.where }, e.message);
        return reply.code(503).send(storeErrorBody(e));
      }
      throw e;
    }
    requestTenant.set(req, tenant);
  });
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const tenant = requestTenant.get(req);
    if (tenant) tm.responses.labels(tenant.id, req.routeOptions.config?.name ?? 'none', String(reply.statusCode)).inc();
    done();
  });

  // The same handlers, registered again under the tenant's path.
  const scoped = new Proxy(app, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop === 'get' || prop === 'post' || prop === 'put') {
        return (path: string, ...rest: unknown[]) => (v as (...a: unknown[]) => unknown).call(target, path.replace(/^\/v1\//, '/v1/t/:enterprise/'), ...rest);
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  registerDecideRoutes(scoped, ctx);
  registerAdminRoutes(scoped, ctx);

  app.get('/v1/tenants', { config: { scope: 'admin', name: 'tenants' } }, async (_req, reply) =>
    reply.send({
      tenants: registry.names().map((name) => {
        const t = registry.get(name);
        return { enterprise: name, loaded: t !== undefined, revision: t?.holder.current?.revision ?? null };
      }),
    }),
  );
}

/**
 * Readiness of a multi-tenant service: every loaded tenant that serves a policy answers a store
 * read (in parallel); a tenant whose set was refused at its first load is not counted (its own
 * requests answer 503). Null when ready, else the first failure.
 */
export async function tenantsReadiness(tenants: readonly Tenant[], timeoutMs: number): Promise<{ tenant: string; error: StoreError } | null> {
  const serving = tenants.filter((t) => t.holder.current !== null);
  const failures = await Promise.all(serving.map(async (t) => ({ tenant: t.id, error: await t.watch.probe(timeoutMs) })));
  return failures.find((f): f is { tenant: string; error: StoreError } => f.error !== null) ?? null;
}
