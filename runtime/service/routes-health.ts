// Health and metrics (spec/service.md): GET /healthz (the process answers), GET /readyz (a
// policy is loaded, the store answers a read within the readiness timeout and its state is not
// lost, the service is not shutting down; 503 with the reason's code otherwise) and GET /metrics
// (Prometheus text; behind a token when tokens are configured, since it names the rules).
import type { FastifyInstance } from 'fastify';
import { CODES, errorBody } from './errors.ts';
import type { ServiceContext } from './service.ts';
import { tenantsReadiness } from './tenants.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/healthz', { config: { name: 'healthz' } }, async (_req, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', { config: { name: 'readyz' } }, async (req, reply) => {
    const notReady = (code: string, message: string) => reply.code(503).send({ status: 'not-ready', ...errorBody(code, message) });
    if (ctx.closing()) return notReady(CODES.shuttingDown, 'the service is shutting down');
    if (ctx.tenants) {
      // Multi-tenant: ready when every loaded tenant serving a policy is (spec/service.md, "Tenants").
      const loaded = ctx.tenants();
      const bad = await tenantsReadiness(loaded, ctx.readinessTimeoutMs);
      if (bad) {
        ctx.log.warn({ event: 'not-ready', tenant: bad.tenant, code: bad.error.code, where: bad.error.where }, bad.error.message);
        return notReady(bad.error.code, `the state store of enterprise ${bad.tenant} is not usable`);
      }
      return reply.send({ status: 'ready', tenants: Object.fromEntries(loaded.filter((t) => t.holder.current).map((t) => [t.id, t.holder.current!.revision])) });
    }
    const snap = ctx.tenantFor(req).holder.current;
    if (!snap) return notReady(CODES.noPolicy, 'no policy is loaded');
    const failure = await ctx.watch.probe(ctx.readinessTimeoutMs);
    if (failure) {
      ctx.log.warn({ event: 'not-ready', code: failure.code, where: failure.where }, failure.message);
      return notReady(failure.code, 'the state store is not usable');
    }
    return reply.send({ status: 'ready', revision: snap.revision });
  });

  app.get('/metrics', { config: { scope: 'decide', name: 'metrics' } }, async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
