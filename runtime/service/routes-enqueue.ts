// `hush serve --enqueue` (spec/deploy.md §4): POST /v1/decide and /v1/decide/batch validate the
// events as the decide routes do, then hand them to a queue (a Redis Stream that `hush worker`
// processes decide) instead of deciding them, and answer 202 with each event's entry id. A bad
// event is answered as when deciding (400, or its error record in place in a batch) and is not
// queued. A batch is queued whole or not at all. A full queue is 503 `hush/service/queue-full`
// with Retry-After (nothing is ever dropped to make room); an unreachable one 503
// `hush/service/queue-unreachable`. Decisions are read from the workers' output stream.
import type { FastifyInstance } from 'fastify';
import { parseEventLine, type EnqueueResult } from '../index.ts';
import { batchBytes, bodyText, splitBatch } from './batch-body.ts';
import { CODES, errorBody, eventErrorBody } from './errors.ts';
import type { ServiceContext } from './service.ts';

/** Where validated events go (runtime/worker/stream-queue.ts's StreamQueue). */
export interface EventQueue {
  /** Appends the events, all or none; their entry ids in order. */
  add(events: readonly string[]): Promise<EnqueueResult>;
  close(): Promise<void>;
}

export const QUEUE_CODES = { full: 'hush/service/queue-full', unreachable: 'hush/service/queue-unreachable' } as const;

export function registerEnqueueRoutes(app: FastifyInstance, ctx: ServiceContext, queue: EventQueue): void {
  const refused = (r: Extract<EnqueueResult, { ok: false }>) => {
    if (r.reason === 'unreachable') ctx.log.warn({ event: 'queue-error' }, r.message);
    return errorBody(QUEUE_CODES[r.reason], r.reason === 'full' ? `${r.message}; nothing was queued, retry later` : 'the queue cannot be reached; nothing was queued');
  };

  app.post('/v1/decide', { config: { scope: 'decide', name: 'enqueue' } }, async (req, reply) => {
    const text = bodyText(req.body);
    const p = parseEventLine(text, ctx.clock);
    if (!p.ok) return reply.code(400).send(eventErrorBody(p.error));
    const r = await queue.add([text]);
    if (!r.ok) return reply.code(503).header('retry-after', '1').send(refused(r));
    return reply.code(202).send({ entry: r.ids[0] });
  });

  app.post('/v1/decide/batch', { bodyLimit: ctx.limits.batchBodyBytes, config: { scope: 'decide', name: 'enqueue-batch' } }, async (req, reply) => {
    const split = splitBatch(batchBytes(req.body), ctx.limits.batchEvents);
    if (!split.ok) return reply.code(400).send(errorBody('hush/event/bad-json', `the body is not a JSON array of events nor JSON lines: ${split.message}`));
    if (split.count > ctx.limits.batchEvents) {
      return reply.code(413).send(errorBody(CODES.tooManyEvents, `a batch may hold at most ${ctx.limits.batchEvents} events, not ${split.count}`));
    }
    const lines = split.format === 'lines';
    const records: object[] = new Array(split.items.length);
    const valid: string[] = [];
    const at: number[] = [];
    split.items.forEach((text, k) => {
      const p = parseEventLine(text, ctx.clock);
      if (p.ok) {
        valid.push(text);
        at.push(k);
      } else records[k] = { error: { index: k, ...(lines ? { line: k + 1 } : {}), field: p.error.field, code: p.error.code, message: p.error.message } };
    });
    const r = await queue.add(valid);
    if (!r.ok) return reply.code(503).header('retry-after', '1').send(refused(r));
    r.ids.forEach((id, i) => (records[at[i]] = { index: at[i], entry: id }));
    return reply.code(202).send(records);
  });
}
