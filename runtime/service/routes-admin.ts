// The policy and state endpoints (spec/service.md): GET /v1/policy (what is serving: revision,
// rules, ladders, limits usage), GET /v1/sanctions/{subject} (admin: what is in force, with end
// times), POST /v1/admin/reload (admin: load the configured set again) and PUT /v1/admin/policy
// (admin: upload a set's files). A set with any error is refused: the old one keeps serving and
// the answer is 422 with the diagnostics.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseTime, StoreError } from '../index.ts';
import { bodyText } from './batch-body.ts';
import { CODES, errorBody, storeErrorBody } from './errors.ts';
import type { PolicySnapshot, ReloadOutcome } from './policy-holder.ts';
import type { ServiceContext } from './service.ts';

export function policySummary(snap: PolicySnapshot, tenant: string) {
  return {
    revision: snap.revision,
    tenant,
    loaded_at: new Date(snap.loadedAt).toISOString(),
    engine: snap.engineKind,
    ...snap.facts,
    limits: snap.limits,
    warnings: snap.warnings.length,
  };
}

function reloadAnswer(reply: FastifyReply, r: ReloadOutcome) {
  if (r.ok) return reply.code(200).send({ revision: r.revision, previous: r.previous, changed: r.changed });
  return reply.code(422).send({ ...errorBody(CODES.policyRefused, r.message), revision: r.revision, diagnostics: r.diagnostics });
}

/** An uploaded file's name: relative, `/`-separated, no `..`, no empty or hidden part. */
function safeName(name: string): boolean {
  if (name.length === 0 || name.length > 1024 || name.startsWith('/') || name.includes('\\') || name.includes('\u0000')) return false;
  return name.split('/').every((p) => p !== '' && p !== '.' && p !== '..' && !p.startsWith('.'));
}

export function registerAdminRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/v1/policy', { config: { scope: 'decide', name: 'policy' } }, async (req, reply) => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) return reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
    return reply.send(policySummary(snap, tenant.id));
  });

  app.get('/v1/sanctions/:subject', { config: { scope: 'admin', name: 'sanctions' } }, async (req, reply) => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) return reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
    const { subject } = req.params as { subject: string };
    if (subject === '') return reply.code(400).send({ error: { code: 'hush/event/missing-field', field: 'subject', message: 'name the subject: /v1/sanctions/{subject}' } });
    const q = req.query as { at?: string };
    let at = ctx.clock();
    if (q.at !== undefined) {
      try {
        at = parseTime(/^\d+$/.test(q.at) ? Number(q.at) : q.at, 'at');
      } catch {
        return reply.code(400).send({ error: { code: 'hush/event/bad-time', field: 'at', message: '`at` must be an ISO 8601 date-time with a time zone, or epoch milliseconds' } });
      }
    }
    if (tenant.watch.broken) return reply.code(503).send(storeErrorBody(tenant.watch.broken));
    try {
      const sanctions = await snap.engine.sanctions(subject, at);
      return reply.send({ subject, at: new Date(at).toISOString(), revision: snap.revision, sanctions });
    } catch (e) {
      if (e instanceof StoreError) return reply.code(503).send(storeErrorBody(e));
      throw e;
    }
  });

  app.post('/v1/admin/reload', { config: { scope: 'admin', name: 'reload' } }, async (req, reply) => reloadAnswer(reply, await ctx.tenantFor(req).holder.reload('http')));

  app.put('/v1/admin/policy', { bodyLimit: ctx.limits.uploadBytes, config: { scope: 'admin', name: 'upload' } }, async (req, reply) => {
    let files: unknown;
    try {
      files = (JSON.parse(bodyText(req.body)) as { files?: unknown }).files;
    } catch {
      return reply.code(400).send({ error: { code: 'hush/event/bad-json', field: '', message: 'the body is not valid JSON' } });
    }
    if (typeof files !== 'object' || files === null || Array.isArray(files)) {
      return reply.code(400).send({ error: { code: CODES.badRequest, field: 'files', message: '`files` must be an object of file names to their text' } });
    }
    const entries = Object.entries(files as Record<string, unknown>);
    for (const [name, text] of entries) {
      if (!safeName(name)) return reply.code(400).send({ error: { code: CODES.badRequest, field: 'files', message: 'a file name must be a relative path without `..` or hidden parts' } });
      if (typeof text !== 'string') return reply.code(400).send({ error: { code: CODES.badRequest, field: 'files', message: 'every file must be a string' } });
    }
    return reloadAnswer(reply, await ctx.tenantFor(req).holder.reload('upload', { kind: 'files', files: files as Record<string, string> }));
  });
}
