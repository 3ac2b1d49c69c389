// The decision endpoints (spec/service.md): POST /v1/decide (one event), POST /v1/decide/batch
// (an array or JSON lines, decided in order, a bad event's error record in place), and
// GET|POST /v1/explain (a decision with its trace). Each request reads its tenant's snapshot once
// and decides on it to the end, so a reload never changes a decision half-way; every decision
// names its revision and gets a decision id. A store that fails answers 503 with its code,
// never a decision made without state.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { decisionJson, isEventError, parseEventLine, StoreError, storeErrorStops, type ChatEvent, type Decision } from '../index.ts';
import { batchBytes, bodyText, splitBatch } from './batch-body.ts';
import { decisionId } from './decision-id.ts';
import { noDecisionLog } from './decision-log.ts';
import { CODES, errorBody, eventErrorBody, logFailedBody, storeErrorBody } from './errors.ts';
import type { PolicySnapshot } from './policy-holder.ts';
import type { ServiceContext, Tenant } from './service.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A decision's JSON with its id and revision first is `head` then `body` without its `{`: kept
 * in two parts, so that a batch writes them into its answer without joining them first (a
 * decision with its evidence is tens of kilobytes, and a joined string is copied once more when
 * it is encoded). `revision` is the revision as JSON (a request computes it once).
 */
function decisionHead(id: string, revision: string): string {
  return `{"decision_id":"${id}","revision":${revision},`;
}

/** `logged`: a durable decision log's write, which the answer waits for (false: the line could not be written). */
type Decided = { ok: true; head: string; body: string; logged?: Promise<void | boolean> } | { ok: false; error: StoreError };

/**
 * Decides one validated event on a snapshot, counting it; a store failure comes back as a value.
 * On a synchronous store the answer is synchronous too (no promise per event of a batch).
 */
function decideEvent(ctx: ServiceContext, tenant: Tenant, snap: PolicySnapshot, revision: string, event: ChatEvent, text: string): Decided | Promise<Decided> {
  if (tenant.watch.broken) {
    ctx.metrics.decision(event.type, 'store-error', null);
    return { ok: false, error: tenant.watch.broken };
  }
  const t = performance.now();
  let r: Decision | Promise<Decision>;
  try {
    r = snap.engine.decide(event);
  } catch (e) {
    return storeFailed(ctx, event, e);
  }
  if (r instanceof Promise) {
    return r.then(
      (d) => decided(ctx, tenant, snap, revision, event, text, d, t),
      (e: unknown) => storeFailed(ctx, event, e),
    );
  }
  return decided(ctx, tenant, snap, revision, event, text, r, t);
}

function storeFailed(ctx: ServiceContext, event: ChatEvent, e: unknown): Decided {
  if (!(e instanceof StoreError)) throw e;
  ctx.metrics.decision(event.type, 'store-error', null);
  ctx.log.warn({ event: 'store-error', code: e.code, where: e.where }, e.message);
  return { ok: false, error: e };
}

function decided(ctx: ServiceContext, tenant: Tenant, snap: PolicySnapshot, revision: string, event: ChatEvent, text: string, d: Decision, t: number): Decided {
  const ms = performance.now() - t;
  ctx.metrics.decision(event.type, d.allowed ? 'allowed' : 'denied', ms / 1000);
  ctx.metrics.firedRules(d.matches);
  const id = decisionId();
  const head = decisionHead(id, revision);
  const body = decisionJson(d);
  // Without a decision log there is no entry to build.
  if (ctx.sink === noDecisionLog) return { ok: true, head, body };
  const logged = ctx.sink.write({ decision_id: id, revision: snap.revision, tenant: tenant.id, decided_at: Date.now(), event: text, decision: d, latency_ms: ms });
  // A batch waits for its lines together, after its last event (one group commit, not one per event).
  return logged instanceof Promise ? { ok: true, head, body, logged } : { ok: true, head, body };
}

function sendJson(reply: FastifyReply, status: number, json: string) {
  return reply.code(status).type(JSON_TYPE).send(json);
}

/** The answer of POST /v1/decide once decided: the decision, or 503 (the store, or the durable log, failed). */
function answerDecided(reply: FastifyReply, r: Decided): void | Promise<void> {
  if (!r.ok) {
    reply.code(503).send(storeErrorBody(r.error));
    return;
  }
  const json = r.head + r.body.slice(1);
  if (r.logged) {
    return r.logged.then((written) => {
      if (written === false) reply.code(503).send(logFailedBody());
      else sendJson(reply, 200, json);
    });
  }
  sendJson(reply, 200, json);
}

const CHUNK = 1 << 20;

/** A batch's record: an error record's JSON, or a decision in its two parts (`decisionHead`). */
type BatchRecord = string | { head: string; body: string };

/**
 * The JSON array of a batch's records, encoded into buffers as it goes: a batch of decisions with
 * their evidence is megabytes of mostly two-byte text, and joining it into one string, counting
 * its UTF-8 length (fastify's Content-Length) and encoding it cost as much as deciding the events
 * (bench/service.bench.ts). Chunks of 1 MiB, so that no more than that is allocated unused.
 */
function jsonArray(items: readonly BatchRecord[]): Buffer {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  let total = 0;
  const room = (n: number) => {
    if (at + n <= buf.length) return;
    chunks.push(buf.subarray(0, at));
    total += at;
    buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    at = 0;
  };
  room(1);
  buf[at++] = 0x5b; // [
  for (let k = 0; k < items.length; k++) {
    const item = items[k];
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units).
    if (typeof item === 'string') {
      room(item.length * 3 + 2);
      if (k > 0) buf[at++] = 0x2c; // ,
      at += buf.write(item, at, 'utf8');
      continue;
    }
    room((item.head.length + item.body.length) * 3 + 2);
    if (k > 0) buf[at++] = 0x2c; // ,
    at += buf.write(item.head, at, 'utf8');
    at += buf.write(item.body.slice(1), at, 'utf8');
  }
  room(1);
  buf[at++] = 0x5d; // ]
  chunks.push(buf.subarray(0, at));
  total += at;
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/** `decide: false`: POST /v1/decide and /v1/decide/batch are another module's (routes-enqueue.ts). */
export function registerDecideRoutes(app: FastifyInstance, ctx: ServiceContext, routes: { decide?: boolean } = {}): void {
  if (routes.decide !== false) registerDecide(app, ctx);
  registerExplain(app, ctx);
}

function registerDecide(app: FastifyInstance, ctx: ServiceContext): void {
  // Not an async function: on a synchronous store without a durable log the answer is sent
  // before the handler returns, with no promise (fastify needs none when a handler returns
  // nothing); otherwise the handler returns the promise of the answer.
  app.post('/v1/decide', { config: { scope: 'decide', name: 'decide' } }, (req, reply): void | Promise<void> => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) {
      reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
      return;
    }
    const text = bodyText(req.body);
    const p = parseEventLine(text, ctx.clock);
    if (!p.ok) {
      ctx.metrics.decision('unknown', 'invalid', null);
      reply.code(400).send(eventErrorBody(p.error));
      return;
    }
    const r = decideEvent(ctx, tenant, snap, JSON.stringify(snap.revision), p.event, text);
    if (r instanceof Promise) return r.then((d) => answerDecided(reply, d));
    return answerDecided(reply, r);
  });

  app.post('/v1/decide/batch', { bodyLimit: ctx.limits.batchBodyBytes, config: { scope: 'decide', name: 'decide-batch' } }, async (req, reply) => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) return reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
    const split = splitBatch(batchBytes(req.body), ctx.limits.batchEvents);
    if (!split.ok) return reply.code(400).send(errorBody('hush/event/bad-json', `the body is not a JSON array of events nor JSON lines: ${split.message}`));
    if (split.count > ctx.limits.batchEvents) {
      return reply.code(413).send(errorBody(CODES.tooManyEvents, `a batch may hold at most ${ctx.limits.batchEvents} events, not ${split.count}`));
    }
    const lines = split.format === 'lines';
    const where = (k: number) => (lines ? `"index":${k},"line":${k + 1}` : `"index":${k}`);
    const out: BatchRecord[] = new Array(split.items.length);
    const revision = JSON.stringify(snap.revision);
    let stop: StoreError | null = null;
    let storeFailed = false;
    let logged: [number, Promise<void | boolean>][] | undefined;
    for (let k = 0; k < split.items.length; k++) {
      if (stop) {
        out[k] = `{"error":{${where(k)},"field":"","code":"${CODES.notDecided}","message":"not decided: the state store failed earlier in this batch"}}`;
        continue;
      }
      const text = split.items[k];
      const p = parseEventLine(text, ctx.clock);
      if (!p.ok) {
        ctx.metrics.decision('unknown', 'invalid', null);
        out[k] = `{"error":{${where(k)},"field":${JSON.stringify(p.error.field)},"code":${JSON.stringify(p.error.code)},"message":${JSON.stringify(p.error.message)}}}`;
        continue;
      }
      let r = decideEvent(ctx, tenant, snap, revision, p.event, text);
      if (r instanceof Promise) r = await r;
      if (r.ok) {
        out[k] = r;
        if (r.logged) (logged ??= []).push([k, r.logged]);
      } else {
        storeFailed = true;
        const b = storeErrorBody(r.error).error;
        out[k] = `{"error":{${where(k)},"field":"","code":${JSON.stringify(b.code)},"message":${JSON.stringify(b.message)}}}`;
        if (storeErrorStops(r.error)) stop = r.error;
      }
    }
    for (const [k, w] of logged ?? []) {
      if ((await w) !== false) continue;
      storeFailed = true;
      out[k] = `{"error":{${where(k)},"field":"","code":"${CODES.logFailed}","message":${JSON.stringify(logFailedBody().error.message)}}}`;
    }
    // Every event has its record in place; a store failure makes the whole answer a 503 so that a
    // client checking only the status still learns that some events were not decided.
    return reply.code(storeFailed ? 503 : 200).type(JSON_TYPE).send(jsonArray(out));
  });
}

function registerExplain(app: FastifyInstance, ctx: ServiceContext): void {
  // An explanation decides the event on an empty memory store by default (nothing is recorded:
  // GET must be safe); `?state=live` (POST only) decides it on the service's store, state
  // changes included, like the library's `engine.explain`.
  const explain = async (tenant: Tenant, snap: PolicySnapshot, raw: unknown, live: boolean, reply: FastifyReply) => {
    if (live && tenant.watch.broken) return reply.code(503).send(storeErrorBody(tenant.watch.broken));
    const engine = live ? snap.engine : ctx.statelessEngine(snap);
    let r;
    try {
      r = await engine.explain(raw);
    } catch (e) {
      if (e instanceof StoreError) return reply.code(503).send(storeErrorBody(e));
      throw e;
    }
    if (isEventError(r)) return reply.code(400).send(eventErrorBody(r.error));
    const body = { revision: snap.revision, state: live ? 'live' : 'empty', engine: snap.engineKind, tenant: tenant.id, decision: r.decision, trace: r.trace };
    return sendJson(reply, 200, JSON.stringify(body));
  };

  app.get('/v1/explain', { config: { scope: 'decide', name: 'explain' } }, async (req, reply) => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) return reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
    return explain(tenant, snap, eventFromQuery(req.query as Record<string, string | string[] | undefined>), false, reply);
  });

  app.post('/v1/explain', { config: { scope: 'decide', name: 'explain' } }, async (req, reply) => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) return reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
    const state = (req.query as { state?: string }).state ?? 'empty';
    if (state !== 'empty' && state !== 'live') return reply.code(400).send({ error: { code: CODES.badRequest, field: 'state', message: '`state` must be `empty` or `live`' } });
    const text = bodyText(req.body);
    const p = parseEventLine(text, ctx.clock);
    if (!p.ok) return reply.code(400).send(eventErrorBody(p.error));
    return explain(tenant, snap, JSON.parse(text), state === 'live', reply);
  });
}

/**
 * A message event from query parameters, as `hush explain` takes them from options: group,
 * sender, text, kind (default customer), owner, link, miniprogram, card, identity (each may be
 * repeated), images, at. Validation is the event's own (a missing group is `hush/event/missing-field`).
 */
export function eventFromQuery(q: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const one = (k: string) => (Array.isArray(q[k]) ? (q[k] as string[])[0] : (q[k] as string | undefined));
  const many = (k: string) => (q[k] === undefined ? undefined : Array.isArray(q[k]) ? (q[k] as string[]) : [q[k] as string]);
  const ev: Record<string, unknown> = { type: 'message' };
  if (one('group') !== undefined) ev.group = one('group');
  if (one('owner') !== undefined) ev.owner = one('owner');
  const sender: Record<string, unknown> = {};
  if (one('sender') !== undefined) sender.id = one('sender');
  sender.kind = one('kind') ?? 'customer';
  if (many('identity')) sender.identities = many('identity');
  ev.sender = sender;
  if (one('text') !== undefined) ev.text = one('text');
  if (many('link')) ev.links = many('link');
  if (many('miniprogram')) ev.miniprograms = many('miniprogram');
  if (many('card')) ev.cards = many('card');
  const images = one('images');
  if (images !== undefined) ev.images = /^\d+$/.test(images) ? Number(images) : images;
  const at = one('at');
  if (at !== undefined) ev.at = /^\d+$/.test(at) ? Number(at) : at;
  return ev;
}
