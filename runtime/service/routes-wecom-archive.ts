// POST /v1/wecom/archive (spec/service.md, spec/wecom.md §1): decrypted WeCom chat-archive
// records, as a JSON array or JSON lines, decided in order on the tenant's snapshot. The answer is
// a JSON array with one entry per record, in the archive line format (runtime/wecom/archive-line.ts)
// with `index` (and `line` for JSON lines): a decision with its `decision_id`, `revision` and the
// record's `msgid`; a `skipped` record (a 1:1 chat, a recall, an unknown msgtype); or an error
// record with a `hush/wecom/*` code. A store failure answers 503 with every record in place, as
// the batch endpoint does.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { archiveErrorRecord, archiveSkipRecord, decisionJson, readArchiveLine, StoreError, storeErrorStops, type ArchiveOptions, type Decision, type RecordPlace } from '../index.ts';
import { batchBytes, splitBatch } from './batch-body.ts';
import { decisionId } from './decision-id.ts';
import { CODES, errorBody, logFailedBody, storeErrorBody } from './errors.ts';
import type { ServiceContext } from './service.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export function registerWecomArchiveRoutes(app: FastifyInstance, ctx: ServiceContext, options: ArchiveOptions = {}): void {
  app.post('/v1/wecom/archive', { bodyLimit: ctx.limits.batchBodyBytes, config: { scope: 'decide', name: 'wecom-archive' } }, async (req, reply) => {
    const tenant = ctx.tenantFor(req);
    const snap = tenant.holder.current;
    if (!snap) return reply.code(503).send(errorBody(CODES.noPolicy, 'no policy is loaded'));
    const split = splitBatch(batchBytes(req.body), ctx.limits.batchEvents);
    if (!split.ok) return reply.code(400).send(errorBody('hush/wecom/bad-json', `the body is not a JSON array of archive records nor JSON lines: ${split.message}`));
    if (split.count > ctx.limits.batchEvents) {
      return reply.code(413).send(errorBody(CODES.tooManyEvents, `a request may hold at most ${ctx.limits.batchEvents} records, not ${split.count}`));
    }
    const where = (k: number): RecordPlace => (split.format === 'lines' ? { index: k, line: k + 1 } : { index: k });
    const out: string[] = new Array(split.items.length);
    let stop: StoreError | null = null;
    let storeFailed = false;
    const logged: [number, string, Promise<void | boolean>][] = [];
    for (let k = 0; k < split.items.length; k++) {
      const text = split.items[k];
      const m = readArchiveLine(text, options);
      if (m.kind === 'skipped') {
        out[k] = archiveSkipRecord(where(k), m);
        continue;
      }
      if (m.kind === 'error') {
        ctx.metrics.decision('unknown', 'invalid', null);
        out[k] = archiveErrorRecord(where(k), m.msgid, m.error);
        continue;
      }
      const failure = stop ?? tenant.watch.broken;
      if (failure) {
        storeFailed = true;
        const message = stop ? 'not decided: the state store failed earlier in this request' : storeErrorBody(failure).error.message;
        out[k] = archiveErrorRecord(where(k), m.msgid, { code: stop ? CODES.notDecided : failure.code, field: '', message });
        continue;
      }
      const t = performance.now();
      let d: Decision;
      try {
        d = await snap.engine.decide(m.event);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        ctx.metrics.decision('message', 'store-error', null);
        ctx.log.warn({ event: 'store-error', code: e.code, where: e.where }, e.message);
        storeFailed = true;
        out[k] = archiveErrorRecord(where(k), m.msgid, { code: e.code, field: '', message: storeErrorBody(e).error.message });
        if (storeErrorStops(e)) stop = e;
        continue;
      }
      const ms = performance.now() - t;
      ctx.metrics.decision('message', d.allowed ? 'allowed' : 'denied', ms / 1000);
      for (const x of d.matches) ctx.metrics.firedRule(x.rule, x.trigger);
      const id = decisionId();
      out[k] = `{"decision_id":"${id}","revision":${JSON.stringify(snap.revision)},"msgid":${JSON.stringify(m.msgid)},${decisionJson(d).slice(1)}`;
      const w = ctx.sink.write({ decision_id: id, revision: snap.revision, tenant: tenant.id, decided_at: Date.now(), event: text, decision: d, latency_ms: ms });
      if (w instanceof Promise) logged.push([k, m.msgid, w]);
    }
    // A durable decision log's lines are awaited together, after the last record (one group commit).
    for (const [k, msgid, w] of logged) {
      if ((await w) !== false) continue;
      storeFailed = true;
      out[k] = archiveErrorRecord(where(k), msgid, { code: CODES.logFailed, field: '', message: logFailedBody().error.message });
    }
    return reply
      .code(storeFailed ? 503 : 200)
      .type(JSON_TYPE)
      .send(`[${out.join(',')}]`);
  });
}
