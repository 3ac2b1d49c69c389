// WeCom's intercept-rule API (document 95130), the five calls Hush makes: list and read the
// rules there are (`get_intercept_rule_list`, GET; `get_intercept_rule`, POST), and apply a plan
// (`add_intercept_rule`, `update_intercept_rule`, `del_intercept_rule`, POST). Every call goes to
// `{base}/cgi-bin/externalcontact/{name}?access_token=…`; every reply is JSON with `errcode`
// (0 is success) and `errmsg`. A plan is applied one operation at a time and stops at the first
// failure, saying what was applied before it. The access token never appears in a message.
import type { Diagnostic } from '../../language/diagnostic.ts';
import { parseCurrentRules, type CurrentRule } from './wecom-intercept-current.ts';
import { isManagedName } from './wecom-intercept-names.ts';
import type { InterceptPlan, PlanOperation } from './wecom-intercept-plan.ts';

export const DEFAULT_API_BASE = 'https://qyapi.weixin.qq.com';

export interface WecomApi {
  /** `https://qyapi.weixin.qq.com` or a test server; no trailing slash needed. */
  base: string;
  token: string;
  /** Per call; 30 s by default. */
  timeoutMs?: number;
}

/** A failed call: which endpoint, and what went wrong (WeCom's errcode and errmsg when it answered). */
export class WecomApiError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
    readonly errcode?: number,
  ) {
    super(message);
  }
}

type Reply = Record<string, unknown> & { errcode: number; errmsg?: string };

/** A reply larger than this is not WeCom's (a rule list of 100 rules is a few kilobytes). */
const MAX_REPLY = 16 << 20;

/** The reply's text, or undefined when it is larger than MAX_REPLY or the connection breaks. */
async function readLimited(res: Response): Promise<string | undefined> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > MAX_REPLY) {
        await res.body.cancel().catch(() => {});
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function call(api: WecomApi, endpoint: string, body?: unknown): Promise<Reply> {
  // Relative to the base, so that a base with a path (a proxy's `https://proxy/wecom`) keeps it.
  const url = new URL(`cgi-bin/externalcontact/${endpoint}`, api.base.endsWith('/') ? api.base : `${api.base}/`);
  url.searchParams.set('access_token', api.token);
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(api.timeoutMs ?? 30_000),
      redirect: 'error',
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new WecomApiError(endpoint, `${endpoint}: no reply from ${url.origin} (${cause})`);
  }
  const text = await readLimited(res);
  if (text === undefined) throw new WecomApiError(endpoint, `${endpoint}: HTTP ${res.status}, and the reply is larger than ${MAX_REPLY / (1 << 20)} MB or broken off`);
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    throw new WecomApiError(endpoint, `${endpoint}: HTTP ${res.status}, and the reply is not JSON`);
  }
  if (typeof reply !== 'object' || reply === null || !Number.isInteger((reply as Reply).errcode)) {
    throw new WecomApiError(endpoint, `${endpoint}: HTTP ${res.status}, and the reply has no errcode`);
  }
  const r = reply as Reply;
  if (r.errcode !== 0) {
    const msg = typeof r.errmsg === 'string' ? r.errmsg.slice(0, 200) : '';
    throw new WecomApiError(endpoint, `${endpoint}: errcode ${r.errcode}${msg ? ` (${msg})` : ''}`, r.errcode);
  }
  return r;
}

/**
 * The rules WeCom has now: the list, and the detail of every rule Hush manages (the others are
 * never changed, so their detail is not read). Returns diagnostics when the replies are not
 * WeCom's shape.
 */
export async function fetchCurrentRules(api: WecomApi): Promise<{ rules: CurrentRule[] | null; diagnostics: Diagnostic[] }> {
  const list = await call(api, 'get_intercept_rule_list');
  const ruleList = Array.isArray(list.rule_list) ? (list.rule_list as { rule_id?: unknown; rule_name?: unknown }[]) : [];
  const rules: unknown[] = [];
  for (const entry of ruleList) {
    if (typeof entry?.rule_name !== 'string' || !isManagedName(entry.rule_name)) continue;
    rules.push(await call(api, 'get_intercept_rule', { rule_id: entry.rule_id }));
  }
  return parseCurrentRules(JSON.stringify({ rule_list: list.rule_list, rules }), `${api.base} (get_intercept_rule_list)`);
}

export interface AppliedOperation {
  op: PlanOperation['op'];
  rule_name: string;
  /** The rule's id: WeCom's reply to a creation gives it. */
  rule_id: string | null;
}

export interface ApplyResult {
  applied: AppliedOperation[];
  /** The operation that failed, and why; the ones after it were not tried. */
  failed?: { operation: PlanOperation; error: WecomApiError };
  notTried: PlanOperation[];
}

export async function applyPlan(plan: InterceptPlan, api: WecomApi): Promise<ApplyResult> {
  const applied: AppliedOperation[] = [];
  for (let i = 0; i < plan.operations.length; i++) {
    const o = plan.operations[i];
    try {
      const reply = await call(api, o.endpoint, o.body);
      const id = o.op === 'create' ? (typeof reply.rule_id === 'string' || typeof reply.rule_id === 'number' ? String(reply.rule_id) : null) : o.rule_id;
      applied.push({ op: o.op, rule_name: o.rule_name, rule_id: id });
    } catch (e) {
      if (!(e instanceof WecomApiError)) throw e;
      return { applied, failed: { operation: o, error: e }, notTried: plan.operations.slice(i + 1) };
    }
  }
  return { applied, notTried: [] };
}
