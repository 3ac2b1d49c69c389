// A fake of WeCom's intercept-rule API (document 95130) for tests: the five endpoints on a local
// node:http server, with the rules in memory. It checks every request as WeCom documents it (the
// method, `access_token` in the query, a JSON body of exactly the documented fields and types,
// the limits of spec/limits/export/wecom-intercept.json) and answers a bad one with an errcode,
// recording what was wrong in `violations` so a test can assert there were none. `state` is also
// usable on its own, as the model of what each call does to the rules.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readInterceptLimits } from '../wecom-intercept-limits.ts';

export interface FakeRule {
  rule_id: string;
  rule_name: string;
  word_list: string[];
  semantics_list: number[];
  intercept_type: number;
  user_list: string[];
  department_list: number[];
  create_time: number;
}

type Body = Record<string, unknown>;
type Reply = { errcode: number; errmsg: string } & Record<string, unknown>;

const limits = readInterceptLimits();
const max = (id: Parameters<typeof limits.get>[0]) => limits.get(id)!.max;
const chars = (s: string) => [...s].length;

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isInts = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));

/** The rules and what each call does to them. */
export class FakeWecomState {
  rules = new Map<string, FakeRule>();
  private next = 1;

  constructor(initial: Omit<FakeRule, 'create_time'>[] = []) {
    for (const r of initial) this.rules.set(r.rule_id, { ...r, create_time: 1_763_800_000 + this.next++ });
  }

  private problem(errmsg: string): Reply {
    return { errcode: 40058, errmsg };
  }

  private checkKeys(body: Body, allowed: string[], required: string[]): string | undefined {
    for (const k of Object.keys(body)) if (!allowed.includes(k)) return `unknown field ${k}`;
    for (const k of required) if (!(k in body)) return `missing ${k}`;
    return undefined;
  }

  private checkRange(r: unknown, what: string, needOne: boolean): string | undefined {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return `${what} is not an object`;
    const range = r as Body;
    const bad = this.checkKeys(range, ['user_list', 'department_list'], []);
    if (bad) return `${what}: ${bad}`;
    if (range.user_list !== undefined && (!isStrings(range.user_list) || range.user_list.length > max('users-per-range'))) return `${what}.user_list`;
    if (range.department_list !== undefined && (!isInts(range.department_list) || range.department_list.length > max('departments-per-range'))) return `${what}.department_list`;
    if (needOne && !(range.user_list as unknown[] | undefined)?.length && !(range.department_list as unknown[] | undefined)?.length) return `${what} is empty`;
    return undefined;
  }

  private checkWords(w: unknown): string | undefined {
    if (!isStrings(w) || w.length < 1 || w.length > max('words-per-rule')) return 'word_list';
    if (w.some((x) => chars(x) < 1 || chars(x) > max('word-length'))) return 'a word of word_list';
    return undefined;
  }

  private checkName(n: unknown): string | undefined {
    return typeof n !== 'string' || chars(n) < 1 || chars(n) > max('rule-name-length') ? 'rule_name' : undefined;
  }

  /** One call: the endpoint's name, and its JSON body (undefined for GET). */
  handle(endpoint: string, body: Body | undefined): Reply {
    const ok = (extra: Record<string, unknown> = {}): Reply => ({ errcode: 0, errmsg: 'ok', ...extra });
    switch (endpoint) {
      case 'get_intercept_rule_list':
        if (body !== undefined) return this.problem('get_intercept_rule_list is GET');
        return ok({ rule_list: [...this.rules.values()].map((r) => ({ rule_id: r.rule_id, rule_name: r.rule_name, create_time: r.create_time })) });
      case 'get_intercept_rule': {
        const bad = body === undefined ? 'POST expected' : this.checkKeys(body, ['rule_id'], ['rule_id']);
        if (bad) return this.problem(bad);
        const r = this.rules.get(String(body!.rule_id));
        if (!r) return { errcode: 40003, errmsg: 'invalid rule_id' };
        return ok({
          rule: {
            rule_id: r.rule_id, rule_name: r.rule_name, word_list: r.word_list, extra_rule: { semantics_list: r.semantics_list },
            intercept_type: r.intercept_type, applicable_range: { user_list: r.user_list, department_list: r.department_list },
          },
        });
      }
      case 'add_intercept_rule': {
        const b = body ?? {};
        const bad =
          (body === undefined ? 'POST expected' : undefined) ??
          this.checkKeys(b, ['rule_name', 'word_list', 'semantics_list', 'intercept_type', 'applicable_range'], ['rule_name', 'word_list', 'intercept_type', 'applicable_range']) ??
          this.checkName(b.rule_name) ??
          this.checkWords(b.word_list) ??
          (b.semantics_list !== undefined && !isInts(b.semantics_list) ? 'semantics_list' : undefined) ??
          (b.intercept_type !== 1 && b.intercept_type !== 2 ? 'intercept_type' : undefined) ??
          this.checkRange(b.applicable_range, 'applicable_range', true) ??
          (this.rules.size >= max('rules-per-corp') ? 'too many rules' : undefined);
        if (bad) return this.problem(bad);
        const range = b.applicable_range as { user_list?: string[]; department_list?: number[] };
        const id = `rule-${this.next++}`;
        this.rules.set(id, {
          rule_id: id, rule_name: b.rule_name as string, word_list: b.word_list as string[], semantics_list: (b.semantics_list as number[]) ?? [],
          intercept_type: b.intercept_type as number, user_list: range.user_list ?? [], department_list: range.department_list ?? [], create_time: 1_763_800_000 + this.next,
        });
        return ok({ rule_id: id });
      }
      case 'update_intercept_rule': {
        const b = body ?? {};
        const bad =
          (body === undefined ? 'POST expected' : undefined) ??
          this.checkKeys(b, ['rule_id', 'rule_name', 'word_list', 'extra_rule', 'intercept_type', 'add_applicable_range', 'remove_applicable_range'], ['rule_id']) ??
          (b.rule_name !== undefined ? this.checkName(b.rule_name) : undefined) ??
          (b.word_list !== undefined ? this.checkWords(b.word_list) : undefined) ??
          (b.extra_rule !== undefined && (typeof b.extra_rule !== 'object' || !isInts((b.extra_rule as Body).semantics_list)) ? 'extra_rule' : undefined) ??
          ('semantics_list' in b ? 'semantics_list goes under extra_rule' : undefined) ??
          (b.intercept_type !== undefined && b.intercept_type !== 1 && b.intercept_type !== 2 ? 'intercept_type' : undefined) ??
          (b.add_applicable_range !== undefined ? this.checkRange(b.add_applicable_range, 'add_applicable_range', true) : undefined) ??
          (b.remove_applicable_range !== undefined ? this.checkRange(b.remove_applicable_range, 'remove_applicable_range', true) : undefined);
        if (bad) return this.problem(bad);
        const r = this.rules.get(String(b.rule_id));
        if (!r) return { errcode: 40003, errmsg: 'invalid rule_id' };
        if (b.rule_name !== undefined) r.rule_name = b.rule_name as string;
        if (b.word_list !== undefined) r.word_list = b.word_list as string[];
        if (b.extra_rule !== undefined) r.semantics_list = (b.extra_rule as { semantics_list: number[] }).semantics_list;
        if (b.intercept_type !== undefined) r.intercept_type = b.intercept_type as number;
        const add = (b.add_applicable_range ?? {}) as { user_list?: string[]; department_list?: number[] };
        const remove = (b.remove_applicable_range ?? {}) as { user_list?: string[]; department_list?: number[] };
        r.user_list = [...new Set([...r.user_list, ...(add.user_list ?? [])])].filter((u) => !(remove.user_list ?? []).includes(u));
        r.department_list = [...new Set([...r.department_list, ...(add.department_list ?? [])])].filter((d) => !(remove.department_list ?? []).includes(d));
        return ok();
      }
      case 'del_intercept_rule': {
        const bad = body === undefined ? 'POST expected' : this.checkKeys(body, ['rule_id'], ['rule_id']);
        if (bad) return this.problem(bad);
        if (!this.rules.delete(String(body!.rule_id))) return { errcode: 40003, errmsg: 'invalid rule_id' };
        return ok();
      }
      default:
        return { errcode: 404, errmsg: `no such endpoint ${endpoint}` };
    }
  }
}

export interface FakeWecom {
  /** The base URL to give `--api-base`. */
  url: string;
  state: FakeWecomState;
  /** Every call, in order: method, endpoint and body. */
  calls: { method: string; endpoint: string; body: unknown }[];
  /** Requests that were not as WeCom documents them. */
  violations: string[];
  /** Makes the n-th call (1-based, counting every call) fail with this errcode. */
  failAt?: { call: number; errcode: number; errmsg: string };
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

export async function startFakeWecom(token: string, state = new FakeWecomState()): Promise<FakeWecom> {
  const fake: FakeWecom = { url: '', state, calls: [], violations: [], close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const endpoint = url.pathname.replace(/^\/cgi-bin\/externalcontact\//, '');
    const text = await readBody(req);
    let body: Body | undefined;
    const answer = (reply: Reply) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    };
    const violation = (what: string) => {
      fake.violations.push(`${req.method} ${endpoint}: ${what}`);
      answer({ errcode: 40058, errmsg: what });
    };
    if (!url.pathname.startsWith('/cgi-bin/externalcontact/')) return violation('path');
    if (url.searchParams.get('access_token') !== token) return answer({ errcode: 40014, errmsg: 'invalid access_token' });
    const get = endpoint === 'get_intercept_rule_list';
    if (req.method !== (get ? 'GET' : 'POST')) return violation(`method ${req.method}`);
    if (!get) {
      if (!String(req.headers['content-type']).startsWith('application/json')) return violation('content-type');
      try {
        body = JSON.parse(text) as Body;
      } catch {
        return violation('body is not JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return violation('body is not an object');
    } else if (text !== '') return violation('GET with a body');
    fake.calls.push({ method: req.method!, endpoint, body });
    if (fake.failAt && fake.calls.length === fake.failAt.call) return answer({ errcode: fake.failAt.errcode, errmsg: fake.failAt.errmsg });
    const reply = state.handle(endpoint, body);
    if (reply.errcode === 40058) fake.violations.push(`${req.method} ${endpoint}: ${reply.errmsg}`);
    answer(reply);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((done) => server.close(() => done()));
  return fake;
}
