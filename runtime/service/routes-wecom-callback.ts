// GET|POST /v1/wecom/callback: WeCom's callback protocol (spec/wecom.md §2). GET is WeCom's URL
// check: the signed, encrypted `echostr` is answered in plaintext. POST is a callback message:
// the `Encrypt` of the envelope is checked against `msg_signature`, the `timestamp` against the
// window, then decrypted (callback-crypto.ts), read (callback-xml.ts), mapped
// (callback-events.ts) and deduplicated (callback-dedupe.ts); its join or contact.add events are
// decided in order on the tenant's snapshot like /v1/decide's (decision log, metrics), a leave is
// logged and counted. WeCom gets `success` within its 5 seconds: a decision still running after
// `answerWithinMs` goes on after the answer (its outcome logged).
//
// The route needs no bearer token (WeCom sends none): the signature is its authentication.
// Refusals answer JSON with a `hush/wecom/*` code and the WeCom SDK's error number, and never a
// secret, the key or the message.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { callbackKey, mapCallback, openMessage, readCallbackXml, RecentCallbacks, signatureMatches, StoreError, WECOM_ERRORS, type CallbackMapping, type ChatEvent, type Decision, type DecryptRefusal, type RecentOptions, type WecomCallbackConfig } from '../index.ts';
import { bodyText } from './batch-body.ts';
import { decisionId } from './decision-id.ts';
import { CODES, errorBody, logFailedBody, storeErrorBody } from './errors.ts';
import type { ServiceContext, Tenant } from './service.ts';

export interface WecomCallbackOptions {
  config: WecomCallbackConfig;
  /** The largest POST body (default 1 MiB). */
  maxBodyBytes?: number;
  /** How long the answer waits for the decisions (default 3 s: WeCom waits 5 s). */
  answerWithinMs?: number;
  recent?: RecentOptions;
}

export const WECOM_CALLBACK_PATH = '/v1/wecom/callback';
const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_ANSWER_WITHIN_MS = 3000;

/** The refusals (spec/wecom.md §2): code, HTTP status, the WeCom SDK's error number (null: Hush's own). */
export const WECOM_REFUSALS = {
  'not-configured': { code: 'hush/wecom/not-configured', status: 404, wecom: null },
  'missing-parameter': { code: 'hush/wecom/missing-parameter', status: 400, wecom: null },
  'bad-signature': { code: 'hush/wecom/bad-signature', status: 401, wecom: WECOM_ERRORS['bad-signature'] },
  'stale-timestamp': { code: 'hush/wecom/stale-timestamp', status: 401, wecom: null },
  'bad-xml': { code: 'hush/wecom/bad-xml', status: 400, wecom: WECOM_ERRORS['bad-xml'] },
  'bad-base64': { code: 'hush/wecom/bad-base64', status: 400, wecom: WECOM_ERRORS['bad-base64'] },
  'decrypt-failed': { code: 'hush/wecom/decrypt-failed', status: 400, wecom: WECOM_ERRORS['decrypt-failed'] },
  'bad-plaintext': { code: 'hush/wecom/bad-plaintext', status: 400, wecom: WECOM_ERRORS['bad-plaintext'] },
  'wrong-corp': { code: 'hush/wecom/wrong-corp', status: 403, wecom: WECOM_ERRORS['wrong-corp'] },
  'bad-event': { code: 'hush/wecom/bad-event', status: 400, wecom: null },
} as const;

type Refusal = keyof typeof WECOM_REFUSALS;

const MESSAGES: Record<DecryptRefusal, string> = {
  'bad-base64': 'the ciphertext is not base64',
  'decrypt-failed': 'the ciphertext does not decrypt with the configured EncodingAESKey (bad padding)',
  'bad-plaintext': 'the decrypted message is not laid out as WeCom lays it out (length or encoding)',
  'wrong-corp': 'the message is for another corp id than the configured one',
};

/** What one callback message came to: the answer, and what is logged and counted. */
interface Outcome {
  status: number;
  body: unknown;
  /** For the counter: join, contact-add, leave, not-mapped, no-member-list, bad-event, store-error, log-failed, no-policy. */
  result: string;
  /** A failure the next retry should decide again. */
  retry: boolean;
}

const SUCCESS: Pick<Outcome, 'status' | 'body'> = { status: 200, body: 'success' };

export function registerWecomCallbackRoutes(app: FastifyInstance, ctx: ServiceContext, options?: WecomCallbackOptions): void {
  const callbacks = new Counter({
    name: 'hush_wecom_callbacks_total',
    help: 'WeCom callback requests by result (join, contact-add, leave, not-mapped, no-member-list, duplicate, url-check, refused, bad-event, store-error, log-failed, no-policy)',
    labelNames: ['result'],
    registers: [ctx.metrics.registry],
  });
  const leaves = new Counter({ name: 'hush_wecom_members_left_total', help: 'Members WeCom reported leaving a customer group (del_member)', registers: [ctx.metrics.registry] });
  const recent = new RecentCallbacks<Outcome>(options?.recent);
  const answerWithinMs = options?.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS;

  const refuse = (reply: FastifyReply, r: Refusal, message: string, field?: string) => {
    const x = WECOM_REFUSALS[r];
    callbacks.labels(r === 'bad-event' ? 'bad-event' : 'refused').inc();
    return reply.code(x.status).send({ error: { code: x.code, message, ...(field !== undefined ? { field } : {}), wecom_errcode: x.wecom } });
  };

  /** The checks both methods share: parameters, signature over `encrypted`, timestamp window. */
  const authenticate = (reply: FastifyReply, config: WecomCallbackConfig, encrypted: string | null, query: Record<string, string>): boolean => {
    if (encrypted === null) return false;
    if (!signatureMatches(query.msg_signature, config.token, query.timestamp, query.nonce, encrypted)) {
      refuse(reply, 'bad-signature', 'msg_signature does not match the configured Token');
      return false;
    }
    const ts = /^\d{1,12}$/.test(query.timestamp) ? Number(query.timestamp) * 1000 : NaN;
    if (!(Math.abs(ctx.clock() - ts) <= config.timestampWindowMs)) {
      refuse(reply, 'stale-timestamp', `timestamp is more than ${config.timestampWindowMs / 1000} s away from the service's clock`);
      return false;
    }
    return true;
  };

  /** The query's parameters, each a single string; null after refusing. */
  const params = (req: FastifyRequest, reply: FastifyReply, names: readonly string[]): Record<string, string> | null => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const n of names) {
      const v = q[n];
      if (typeof v !== 'string' || v === '') {
        refuse(reply, 'missing-parameter', `the query needs one \`${n}\``);
        return null;
      }
      out[n] = v;
    }
    return out;
  };

  const configured = (reply: FastifyReply): WecomCallbackConfig | null => {
    if (options && !ctx.tenants) return options.config;
    refuse(reply, 'not-configured', 'the WeCom callback is not configured on this service (hush serve --wecom-callback FILE)');
    return null;
  };

  app.get(WECOM_CALLBACK_PATH, { config: { name: 'wecom-callback' } }, async (req, reply) => {
    const config = configured(reply);
    if (!config) return reply;
    const q = params(req, reply, ['msg_signature', 'timestamp', 'nonce', 'echostr']);
    if (!q) return reply;
    // A `+` that reached the query unencoded reads as a space; base64 has no spaces.
    const echostr = q.echostr.replace(/ /g, '+');
    if (!authenticate(reply, config, echostr, q)) return reply;
    const opened = openMessage(config.aesKey, echostr, config.corpId);
    if (!opened.ok) return refuse(reply, opened.reason, MESSAGES[opened.reason]);
    callbacks.labels('url-check').inc();
    return reply.code(200).type('text/plain; charset=utf-8').send(opened.message);
  });

  app.post(WECOM_CALLBACK_PATH, { bodyLimit: options?.maxBodyBytes ?? DEFAULT_MAX_BODY, config: { name: 'wecom-callback' } }, async (req, reply) => {
    const config = configured(reply);
    if (!config) return reply;
    const q = params(req, reply, ['msg_signature', 'timestamp', 'nonce']);
    if (!q) return reply;
    const maxBytes = options?.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const envelope = readCallbackXml(bodyText(req.body), maxBytes);
    if (!envelope.ok) return refuse(reply, 'bad-xml', `the body: ${envelope.message}`);
    const encrypted = envelope.xml.fields.get('Encrypt') ?? null;
    if (encrypted === null || encrypted === '') return refuse(reply, 'bad-xml', 'the body has no <Encrypt>');
    if (!authenticate(reply, config, encrypted, q)) return reply;
    const opened = openMessage(config.aesKey, encrypted, config.corpId);
    if (!opened.ok) return refuse(reply, opened.reason, MESSAGES[opened.reason]);
    const message = readCallbackXml(opened.message, maxBytes);
    if (!message.ok) return refuse(reply, 'bad-xml', `the decrypted message: ${message.message}`);

    const key = callbackKey(message.xml);
    const tenant = ctx.tenantFor(req);
    const { duplicate, outcome } = recent.begin(key, ctx.clock(), () => handle(tenant, mapCallback(message.xml)));
    if (duplicate) callbacks.labels('duplicate').inc();
    // Whatever happens after the answer is logged; a failure is forgotten so the retry decides it.
    const settled = outcome.then((o) => {
      if (o.retry) recent.forget(key, outcome);
      return o;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), answerWithinMs)));
    const o = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (o === null) {
      ctx.log.warn({ event: 'wecom-callback-late', after_ms: answerWithinMs }, `a WeCom callback is still being decided after ${answerWithinMs} ms: answered, deciding on`);
      void settled.then((x) => ctx.log.info({ event: 'wecom-callback-decided', result: x.result, status: x.status }, `a late WeCom callback was decided: ${x.result}`));
      return reply.code(200).type('text/plain; charset=utf-8').send('success');
    }
    if (typeof o.body === 'string') return reply.code(o.status).type('text/plain; charset=utf-8').send(o.body);
    return reply.code(o.status).send(o.body);
  });

  /** Decides or records one mapped message. Never rejects: a failure is an outcome. */
  async function handle(tenant: Tenant, m: CallbackMapping): Promise<Outcome> {
    try {
      return await decideMapping(tenant, m);
    } catch (e) {
      ctx.log.error({ event: 'internal-error', route: 'wecom-callback', ...(process.env.HUSH_DEBUG ? { stack: (e as Error).stack } : {}) }, `internal error: ${(e as Error).message}`);
      return { status: 500, body: errorBody(CODES.internal, 'internal error'), result: 'internal', retry: true };
    }
  }

  async function decideMapping(tenant: Tenant, m: CallbackMapping): Promise<Outcome> {
    const count = (o: Outcome) => (callbacks.labels(o.result).inc(), o);
    switch (m.kind) {
      case 'error':
        return count({ status: 400, body: { error: { code: WECOM_REFUSALS['bad-event'].code, field: m.field, message: m.message, wecom_errcode: null } }, result: 'bad-event', retry: false });
      case 'ignored':
        ctx.log.debug({ event: 'wecom-callback-ignored', reason: m.reason, detail: m.detail }, `WeCom callback not mapped: ${m.detail}`);
        return count({ ...SUCCESS, result: m.reason, retry: false });
      case 'leave': {
        leaves.inc(m.members.length > 0 ? m.members.length : (m.count ?? 0));
        ctx.log.info(
          { event: 'wecom-leave', tenant: tenant.id, group: m.group, members: m.members, count: m.count, quit_scene: m.quitScene, at: new Date(m.at).toISOString() },
          `WeCom: ${m.members.length > 0 ? m.members.length : (m.count ?? 'some')} member(s) left group ${m.group}`,
        );
        return count({ ...SUCCESS, result: 'leave', retry: false });
      }
      case 'events': {
        const snap = tenant.holder.current;
        if (!snap) return count({ status: 503, body: errorBody(CODES.noPolicy, 'no policy is loaded'), result: 'no-policy', retry: true });
        const logged: Promise<void | boolean>[] = [];
        for (let i = 0; i < m.events.length; i++) {
          const event: ChatEvent = m.events[i];
          if (tenant.watch.broken) return count({ status: 503, body: storeErrorBody(tenant.watch.broken), result: 'store-error', retry: true });
          const t = performance.now();
          let d: Decision;
          try {
            d = await snap.engine.decide(event);
          } catch (e) {
            if (!(e instanceof StoreError)) throw e;
            ctx.metrics.decision(event.type, 'store-error', null);
            ctx.log.warn({ event: 'store-error', code: e.code, where: e.where }, e.message);
            return count({ status: 503, body: storeErrorBody(e), result: 'store-error', retry: true });
          }
          const ms = performance.now() - t;
          ctx.metrics.decision(event.type, d.allowed ? 'allowed' : 'denied', ms / 1000);
          for (const x of d.matches) ctx.metrics.firedRule(x.rule, x.trigger);
          const w = ctx.sink.write({ decision_id: decisionId(), revision: snap.revision, tenant: tenant.id, decided_at: Date.now(), event: JSON.stringify(m.raw[i]), decision: d, latency_ms: ms });
          if (w instanceof Promise) logged.push(w);
        }
        for (const w of logged) if ((await w) === false) return count({ status: 503, body: logFailedBody(), result: 'log-failed', retry: true });
        return count({ ...SUCCESS, result: m.source === 'add_member' ? 'join' : 'contact-add', retry: false });
      }
    }
  }
}
