// State in Redis (ioredis), shared by many workers on many machines. Every check-and-update is
// one Lua script run by EVALSHA (ioredis `defineCommand`), or one command that is atomic by
// itself (SET, SET NX, GET): Redis runs a script alone, so workers racing on the same member
// never lose an increment, never apply a ladder step twice, never count a contact twice.
//
// Keys, all under the store's prefix P (composite parts as a JSON array, so no id can collide
// with another: ["g-1","c-9"]; single ids are the rest of the key). Values are strings or hashes:
//
//   P version                      string: the layout version (1); another is `hush/store/version`
//   P epoch                        string: a random id written with the version; a worker that sees
//                                  either change or vanish (Redis restarted empty, FLUSHDB) stops
//                                  with `hush/store/lost` rather than decide on empty state
//   P flood:[group,sender]         sorted set: one member per message, score = its time; the
//                                  member is ':' + the event id, or (no id) a per-key sequence
//                                  number, so a replayed id is recorded once; entries at or before
//                                  the key's edge are removed as its own messages come (never by
//                                  another key's), as MemoryStore and SqliteStore do
//   P flood-meta:[group,sender]    hash: max (longest window asked about), seq (the sequence),
//                                  edge (the latest at − max of the key's kept messages)
//   P join:[group,member]          string: time of the latest join
//   P mute:[group,sender]          string: end of the mute (the later end is kept)
//   P blacklist:[scope,key,sender] string: time of the first entry (SET NX)
//   P strikes:[ladder,subject]     hash: violation id → "<at> <ordinal>"
//   P strike-order:[ladder,subject] list: violation ids, oldest first
//   P sanction:<id>                hash: the SanctionRecord's fields (null ones absent)
//   P sanctions-of:<subject>       set: the subject's sanction ids
//   P linked                       hash: subject → "1 <at>" (blocked) or "0 <at>", the latest status
//   P appeal-ids:<subject>         set: the subject's appeal ids
//   P appeals:<subject>            list: the subject's appeals as JSON, in order
//   P contacts:[subject,day]       set: contacts added that day
//
// Flood keys expire (Redis TTL, wall-clock time) an hour after their longest window once idle,
// contact keys three days after the day's last add: MemoryStore and SqliteStore sweep idle
// windows by the same wall-clock rule, never by event time, so a spoofed time reaches no other
// key. Everything else is kept. One standalone Redis (or a primary with replicas);
// the read scripts build key names from the prefix, so Redis Cluster is not supported.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisTarget } from './redis-target.ts';
import {
  compareSanctions,
  StoreError,
  type ActionBlacklist,
  type AppealRecord,
  type AsyncStore,
  type BlacklistScope,
  type ContactResult,
  type SanctionKind,
  type SanctionRecord,
  type StrikeRecord,
  type StrikeResult,
} from './store.ts';

/** The key layout version this code reads and writes. */
export const REDIS_LAYOUT_VERSION = '1';
/** Flood keys live this long (wall clock) beyond their longest window. */
export const FLOOD_SLACK_MS = 3_600_000;
/** Contact-add keys live this long (wall clock) after the last add. */
export const CONTACT_TTL_MS = 3 * 86_400_000;

/** `%.17g` prints an integral double exactly (Lua's own tostring keeps only 14 digits). */
const LUA_NUM = `local function num(x) return string.format('%.17g', x) end\n`;

const SCRIPTS = {
  // KEYS: version, epoch. ARGV: this code's layout version, a fresh epoch. Creates both when the
  // keyspace is new (an epoch is added to a layout written before epochs). Returns {version, epoch}.
  hushVersion: {
    keys: 2,
    lua: `local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1]) v = ARGV[1] end
redis.call('SET', KEYS[2], ARGV[2], 'NX')
return {v, redis.call('GET', KEYS[2])}`,
  },
  // KEYS: version, epoch. Returns {version, epoch} as they are (nil when gone); writes nothing.
  hushEpoch: {
    keys: 2,
    lua: `return {redis.call('GET', KEYS[1]) or false, redis.call('GET', KEYS[2]) or false}`,
  },
  // KEYS: flood, flood-meta. ARGV: at, windowMs, slackMs, record ('1': record, '0': count only),
  // member ('' : none, else ':' .. the message's id). A message's member is its id after ':', or
  // (no id) the next of the key's sequence numbers, all digits: the two never meet, and an id
  // the key holds is a replay (ZADD NX: nothing changes). flood-meta's `edge` is the latest
  // (at − max) of the key's recorded messages: ZREMRANGEBYSCORE prunes at or before it, and a
  // message at or before it counts 1 and is not kept (spec/runtime.md §7). The time to live
  // (max + slack) is set when a message is kept or max grows, so idleness is measured from then.
  hushFlood: {
    keys: 2,
    lua: `${LUA_NUM}local at = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local max = redis.call('HGET', KEYS[2], 'max')
if ARGV[4] == '0' and not max then return 0 end
max = tonumber(max or '0')
local touched = false
if w > max then max = w redis.call('HSET', KEYS[2], 'max', ARGV[2]) touched = true end
local edge = redis.call('HGET', KEYS[2], 'edge')
if edge then edge = tonumber(edge) end
local n
if edge and at <= edge then
  n = 1
else
  if ARGV[4] == '1' then
    local member = ARGV[5]
    if member == '' then member = redis.call('HINCRBY', KEYS[2], 'seq', 1) end
    if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], member) == 1 then
      touched = true
      local e = at - max
      if not edge or e > edge then
        redis.call('HSET', KEYS[2], 'edge', num(e))
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(e))
      end
    end
  end
  n = redis.call('ZCOUNT', KEYS[1], '(' .. num(at - w), ARGV[1])
end
if touched then
  local ttl = num(max + tonumber(ARGV[3]))
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return n`,
  },
  // KEYS: mute. ARGV: until.
  hushMute: {
    keys: 1,
    lua: `local p = redis.call('GET', KEYS[1])
if not p or tonumber(ARGV[1]) > tonumber(p) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`,
  },
  // KEYS: strikes, strike-order. ARGV: violation, at, expireMs ('' for never), counted ('1'/'0').
  // Returns {ordinal, duplicate}.
  hushAddStrike: {
    keys: 2,
    lua: `local function ord(rec) return tonumber(string.sub(rec, string.find(rec, ' ', 1, true) + 1)) end
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if prev then return {ord(prev), 1} end
if ARGV[4] == '0' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' 0')
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return {0, 0}
end
local at = tonumber(ARGV[2])
local edge = nil
if ARGV[3] ~= '' then edge = at - tonumber(ARGV[3]) end
local live = 0
local order = redis.call('LRANGE', KEYS[2], 0, -1)
for _, v in ipairs(order) do
  local rec = redis.call('HGET', KEYS[1], v)
  local sp = string.find(rec, ' ', 1, true)
  if tonumber(string.sub(rec, sp + 1)) > 0 then
    if edge and tonumber(string.sub(rec, 1, sp - 1)) <= edge then
      redis.call('HDEL', KEYS[1], v)
      redis.call('LREM', KEYS[2], 1, v)
    else
      live = live + 1
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. (live + 1))
redis.call('RPUSH', KEYS[2], ARGV[1])
return {live + 1, 0}`,
  },
  // KEYS: strikes, strike-order. Returns {violation, "<at> <ordinal>", …}, oldest first.
  hushStrikesOf: {
    keys: 2,
    lua: `local out = {}
for _, v in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  out[#out + 1] = v
  out[#out + 1] = redis.call('HGET', KEYS[1], v)
end
return out`,
  },
  // KEYS: sanction, sanctions-of. ARGV: id, then field/value pairs. Returns 1 when inserted.
  hushPutSanction: {
    keys: 2,
    lua: `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SADD', KEYS[2], ARGV[1])
return 1`,
  },
  // KEYS: sanctions-of. ARGV: the sanction key prefix. Returns each sanction's HGETALL.
  hushSanctionsOf: {
    keys: 1,
    lua: `local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. id) end
return out`,
  },
  // KEYS: sanction. ARGV: at, reason. Returns the lifted sanction's HGETALL, or nil.
  hushLiftSanction: {
    keys: 1,
    lua: `if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'liftedAt') == 1 then return false end
redis.call('HSET', KEYS[1], 'liftedAt', ARGV[1], 'liftReason', ARGV[2])
return redis.call('HGETALL', KEYS[1])`,
  },
  // KEYS: sanction. ARGV: until. Returns 1 when set.
  hushEndSanction: {
    keys: 1,
    lua: `if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'until') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'until', ARGV[1])
return 1`,
  },
  // KEYS: linked. ARGV: subject, '1'/'0', at. The value is "<flag> <at>" (a bare flag, written
  // before times were kept, is older than any time). An older status changes nothing.
  // Returns the previous flag or nil.
  hushSetLinked: {
    keys: 1,
    lua: `local prev = redis.call('HGET', KEYS[1], ARGV[1])
if not prev then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3]) return false end
local flag = string.sub(prev, 1, 1)
local sp = string.find(prev, ' ', 1, true)
if not sp or tonumber(string.sub(prev, sp + 1)) <= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
end
return flag`,
  },
  // KEYS: appeal-ids, appeals. ARGV: id, JSON.
  hushRecordAppeal: {
    keys: 2,
    lua: `if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
return 0`,
  },
  // KEYS: contacts. ARGV: contact, limit, ttlMs. Returns {allowed, used, duplicate}.
  hushAddContact: {
    keys: 1,
    lua: `local n = redis.call('SCARD', KEYS[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {1, n, 1} end
if n >= tonumber(ARGV[2]) then return {0, n, 0} end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, n + 1, 0}`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;
type Scripted = { [K in ScriptName]: (...args: Arg[]) => Promise<unknown> };

export interface RedisStoreOptions {
  /** Prepended to every key, e.g. `hush:` (default) or `hush:test:<random>:`. */
  prefix?: string;
  /** How long one command may wait for its reply (default 2000 ms); then `hush/store/unreachable`. */
  commandTimeoutMs?: number;
  /** How long opening a connection may take (default 2000 ms). */
  connectTimeoutMs?: number;
  /** How often (wall clock) the keyspace's epoch is checked while all goes well (default 1000 ms). */
  epochCheckMs?: number;
  /** Refuse a prefix that holds no Hush state (`hush/store/missing`) instead of starting one (readers such as `hush sanctions`). */
  mustExist?: boolean;
}

/** The default wait for one command's reply. */
export const COMMAND_TIMEOUT_MS = 2000;

/** `host:port` (or the socket path) of a connection, without credentials, for messages. */
function addressOf(redis: Redis): string {
  const o = redis.options;
  return o.path ? o.path : `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}

const key = (...parts: Arg[]) => JSON.stringify(parts);

function sanctionOfHash(flat: string[]): SanctionRecord {
  const h: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  return {
    id: h.id,
    subject: h.subject,
    ladder: h.ladder,
    step: Number(h.step),
    sanction: h.sanction as SanctionKind,
    from: Number(h.from),
    until: h.until === undefined ? null : Number(h.until),
    appealable: h.appealable === '1',
    cause: h.cause,
    liftedAt: h.liftedAt === undefined ? null : Number(h.liftedAt),
    liftReason: h.liftReason ?? null,
  };
}

/** State in Redis, shared by many workers. */
export class RedisStore implements AsyncStore {
  readonly prefix: string;
  /** `host:port` of the server, for messages. */
  readonly address: string;
  private readonly redis: Redis;
  private readonly run: Scripted;
  /** The database the URL names: selected and checked by `init`, re-selected by ioredis. */
  private readonly db: number;
  private readonly epochCheckMs: number;
  private readonly connectTimeoutMs: number;
  private readonly mustExist: boolean;
  private ready: Promise<void> | null = null;
  /** The keyspace's epoch as this store first saw it; null until then. */
  private epoch: string | null = null;
  /** When (wall clock) the epoch was last found unchanged. */
  private epochSeenAt = 0;
  /** Set when the connection was re-established: the next operation checks the epoch first. */
  private reconnected = false;
  /** Once the keyspace was lost, every operation fails with this. */
  private lost: StoreError | null = null;
  /** The last connection error of a connection this store made (ECONNREFUSED…), for messages. */
  private lastConnectionError: string | null = null;

  /**
   * `target`: a Redis URL (`redis://host:6379/0`, read by `redisTarget`: a malformed one is
   * `hush/store/bad-option`) or an ioredis instance. Connects lazily; the first operation fails
   * with `hush/store/unreachable` when the server does not answer (use `RedisStore.connect` to find
   * out at once). No command waits longer than `commandTimeoutMs` for its reply.
   */
  constructor(target: string | Redis, options: RedisStoreOptions = {}) {
    this.epochCheckMs = options.epochCheckMs ?? 1000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.mustExist = options.mustExist ?? false;
    if (typeof target === 'string') {
      const t = redisTarget(target);
      this.prefix = options.prefix ?? t.prefix ?? 'hush:';
      this.db = t.db;
      this.redis = new Redis(t.url, {
        db: t.db,
        // Fail a command fast when the server is away or silent, and keep reconnecting for later
        // ones. Nothing is queued while disconnected and nothing is re-sent on a new connection:
        // a command must not reach a server that came back empty before the epoch is checked.
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        connectTimeout: this.connectTimeoutMs,
        commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
        retryStrategy: (times) => Math.min(times * 100, 2000),
      });
      // Connection errors reach the caller through the failed operation, not as events.
      this.redis.on('error', (e: Error) => {
        this.lastConnectionError = e.message;
      });
    } else {
      this.prefix = options.prefix ?? 'hush:';
      this.db = target.options.db ?? 0;
      this.redis = target;
    }
    let connections = 0;
    this.redis.on('ready', () => {
      this.lastConnectionError = null;
      // A new connection may reach a server that restarted empty: look before the next write.
      if (++connections > 1 || this.epoch !== null) this.reconnected = true;
    });
    this.address = addressOf(this.redis);
    for (const [name, s] of Object.entries(SCRIPTS)) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys: s.keys, lua: s.lua });
    }
    this.run = this.redis as unknown as Scripted;
  }

  /** Opens a store and checks at once that the server answers and holds a layout this code reads. */
  static async connect(target: string | Redis, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const store = new RedisStore(target, options);
    try {
      await store.init();
    } catch (e) {
      store.redis.disconnect();
      throw e;
    }
    return store;
  }

  private init(): Promise<void> {
    return (this.ready ??= (async () => {
      await this.connected();
      if (this.db !== 0) await this.selectDb();
      const [v, epoch] = this.mustExist
        ? ((await this.call(() => this.run.hushEpoch(this.prefix + 'version', this.prefix + 'epoch'))) as [string | null, string | null])
        : ((await this.call(() => this.run.hushVersion(this.prefix + 'version', this.prefix + 'epoch', REDIS_LAYOUT_VERSION, randomUUID()))) as [string, string]);
      if (v === null) {
        throw new StoreError('hush/store/missing', `Redis ${this.address} holds no Hush state under prefix "${this.prefix}"; nothing was written`, this.address);
      }
      if (v !== REDIS_LAYOUT_VERSION) {
        throw new StoreError(
          'hush/store/version',
          `the state under prefix "${this.prefix}" on Redis ${this.address} has layout version ${String(v)}, this hush reads version ${REDIS_LAYOUT_VERSION}; it was left as it is`,
          this.address,
        );
      }
      this.epoch = epoch;
      this.epochSeenAt = Date.now();
      this.reconnected = false;
    })().catch((e) => {
      this.ready = null;
      throw e;
    }));
  }

  /**
   * Waits (up to the connect timeout) for the connection to be ready: commands are never queued
   * for a connection that is not, so that a reconnection is seen (and the epoch checked) before
   * any command reaches the server behind it.
   */
  private async connected(): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'ready' || redis.options.enableOfflineQueue !== false) return;
    if (redis.status === 'end') throw this.storeError(new Error('the connection was closed'));
    if (redis.status === 'wait') redis.connect().catch(() => undefined);
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => finish(this.storeError(new Error(`no connection within ${this.connectTimeoutMs} ms`))), this.connectTimeoutMs);
      const onReady = () => finish(null);
      const onEnd = () => finish(this.storeError(new Error('the connection was closed')));
      const finish = (e: unknown) => {
        clearTimeout(timer);
        redis.off('ready', onReady).off('end', onEnd);
        if (e) fail(e);
        else done();
      };
      redis.once('ready', onReady).once('end', onEnd);
    });
  }

  /** Selects the URL's database, or says the server has no such database. */
  private async selectDb(): Promise<void> {
    try {
      await this.redis.select(this.db);
    } catch (e) {
      const err = e as Error;
      if (err?.name === 'ReplyError') {
        throw new StoreError('hush/store/bad-option', `Redis ${this.address} has no database ${this.db} (${err.message})`, this.address);
      }
      throw this.storeError(e);
    }
  }

  /**
   * Stops with `hush/store/lost` when the keyspace this store began with is gone: the version and
   * epoch keys vanished or changed (the server restarted without its data, was flushed, or another
   * keyspace was put in its place). Deciding on would count strikes and windows from zero.
   */
  private async checkEpoch(): Promise<void> {
    const [v, epoch] = (await this.call(() => this.run.hushEpoch(this.prefix + 'version', this.prefix + 'epoch'))) as [string | null, string | null];
    if (v === REDIS_LAYOUT_VERSION && epoch === this.epoch) {
      this.epochSeenAt = Date.now();
      this.reconnected = false;
      return;
    }
    this.lost = new StoreError(
      'hush/store/lost',
      `the state under prefix "${this.prefix}" on Redis ${this.address} is gone or was replaced while this process used it (${v === null ? 'its version key is missing' : 'its epoch changed'}): the server restarted without its data or was flushed; stopping rather than deciding without state`,
      this.address,
    );
    throw this.lost;
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.storeError(e);
    }
  }

  private storeError(e: unknown): unknown {
    if (e instanceof StoreError) return e;
    const err = e as Error;
    if (err?.name === 'ReplyError') {
      if (/^WRONGTYPE/.test(err.message)) {
        return new StoreError('hush/store/corrupt', `a key under prefix "${this.prefix}" on Redis ${this.address} holds a value of another type (${err.message}); it was left as it is`, this.address);
      }
      return new StoreError('hush/store/failed', `Redis ${this.address} refused an operation (${err.message})`, this.address);
    }
    const detail = this.lastConnectionError ?? (err instanceof Error ? err.message : String(e)).replace(/\. Refer to .*$/, '');
    return new StoreError(
      'hush/store/unreachable',
      `cannot reach Redis at ${this.address} (${detail}); is the server running?`,
      this.address,
    );
  }

  private async op<T>(f: () => Promise<T>): Promise<T> {
    if (this.lost) throw this.lost;
    await this.connected();
    await (this.ready ?? this.init());
    if (this.reconnected || Date.now() - this.epochSeenAt >= this.epochCheckMs) await this.checkEpoch();
    return this.call(f);
  }

  private floodKeys(group: string, sender: string): [string, string] {
    const k = key(group, sender);
    return [this.prefix + 'flood:' + k, this.prefix + 'flood-meta:' + k];
  }

  async recordMessage(group: string, sender: string, at: number, windowMs: number, id?: string): Promise<number> {
    const [z, meta] = this.floodKeys(group, sender);
    return (await this.op(() => this.run.hushFlood(z, meta, at, windowMs, FLOOD_SLACK_MS, '1', id === undefined ? '' : ':' + id))) as number;
  }

  async countMessages(group: string, sender: string, at: number, windowMs: number): Promise<number> {
    const [z, meta] = this.floodKeys(group, sender);
    return (await this.op(() => this.run.hushFlood(z, meta, at, windowMs, FLOOD_SLACK_MS, '0', ''))) as number;
  }

  async recordJoin(group: string, member: string, at: number): Promise<void> {
    await this.op(() => this.redis.set(this.prefix + 'join:' + key(group, member), at));
  }

  async joinedAt(group: string, member: string): Promise<number | null> {
    const v = await this.op(() => this.redis.get(this.prefix + 'join:' + key(group, member)));
    return v === null ? null : Number(v);
  }

  async mute(group: string, sender: string, until: number): Promise<void> {
    await this.op(() => this.run.hushMute(this.prefix + 'mute:' + key(group, sender), until));
  }

  async mutedUntil(group: string, sender: string): Promise<number | null> {
    const v = await this.op(() => this.redis.get(this.prefix + 'mute:' + key(group, sender)));
    return v === null ? null : Number(v);
  }

  async blacklist(scope: BlacklistScope, k: string, sender: string, at: number): Promise<void> {
    await this.op(() => this.redis.set(this.prefix + 'blacklist:' + key(scope, k, sender), at, 'NX'));
  }

  async blacklistEntry(scope: BlacklistScope, k: string, sender: string): Promise<ActionBlacklist | null> {
    const v = await this.op(() => this.redis.get(this.prefix + 'blacklist:' + key(scope, k, sender)));
    return v === null ? null : { scope, key: k, at: Number(v) };
  }

  private strikeKeys(ladder: string, subject: string): [string, string] {
    const k = key(ladder, subject);
    return [this.prefix + 'strikes:' + k, this.prefix + 'strike-order:' + k];
  }

  async addStrike(ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean): Promise<StrikeResult> {
    const [h, l] = this.strikeKeys(ladder, subject);
    const r = (await this.op(() => this.run.hushAddStrike(h, l, violation, at, expireMs === null ? '' : expireMs, counted ? '1' : '0'))) as [number, number];
    return { ordinal: r[0], duplicate: r[1] === 1 };
  }

  async strikesOf(ladder: string, subject: string): Promise<StrikeRecord[]> {
    const [h, l] = this.strikeKeys(ladder, subject);
    const flat = (await this.op(() => this.run.hushStrikesOf(h, l))) as string[];
    const out: StrikeRecord[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [at, ordinal] = flat[i + 1].split(' ');
      out.push({ ladder, subject, violation: flat[i], at: Number(at), ordinal: Number(ordinal) });
    }
    return out;
  }

  async putSanction(s: SanctionRecord): Promise<boolean> {
    const fields: Arg[] = ['id', s.id, 'subject', s.subject, 'ladder', s.ladder, 'step', s.step, 'sanction', s.sanction, 'from', s.from];
    fields.push('appealable', s.appealable ? '1' : '0', 'cause', s.cause);
    if (s.until !== null) fields.push('until', s.until);
    if (s.liftedAt !== null) fields.push('liftedAt', s.liftedAt);
    if (s.liftReason !== null) fields.push('liftReason', s.liftReason);
    const r = await this.op(() => this.run.hushPutSanction(this.prefix + 'sanction:' + s.id, this.prefix + 'sanctions-of:' + s.subject, s.id, ...fields));
    return r === 1;
  }

  async sanctionsOf(subject: string): Promise<SanctionRecord[]> {
    const all = (await this.op(() => this.run.hushSanctionsOf(this.prefix + 'sanctions-of:' + subject, this.prefix + 'sanction:'))) as string[][];
    return all.filter((h) => h.length > 0).map(sanctionOfHash).sort(compareSanctions);
  }

  async liftSanction(id: string, at: number, reason: string): Promise<SanctionRecord | null> {
    const h = (await this.op(() => this.run.hushLiftSanction(this.prefix + 'sanction:' + id, at, reason))) as string[] | null;
    return h === null ? null : sanctionOfHash(h);
  }

  async endSanction(id: string, until: number): Promise<boolean> {
    return (await this.op(() => this.run.hushEndSanction(this.prefix + 'sanction:' + id, until))) === 1;
  }

  async setLinkedBlocked(subject: string, blocked: boolean, at: number): Promise<boolean | null> {
    const prev = (await this.op(() => this.run.hushSetLinked(this.prefix + 'linked', subject, blocked ? '1' : '0', at))) as string | null;
    return prev === null ? null : prev === '1';
  }

  async recordAppeal(a: AppealRecord): Promise<void> {
    const json = JSON.stringify({ subject: a.subject, id: a.id, at: a.at, sanction: a.sanction, granted: a.granted, reason: a.reason });
    await this.op(() => this.run.hushRecordAppeal(this.prefix + 'appeal-ids:' + a.subject, this.prefix + 'appeals:' + a.subject, a.id, json));
  }

  async appealsOf(subject: string): Promise<AppealRecord[]> {
    const list = await this.op(() => this.redis.lrange(this.prefix + 'appeals:' + subject, 0, -1));
    return list.map((j) => JSON.parse(j) as AppealRecord);
  }

  async addContact(subject: string, day: number, contact: string, limit: number): Promise<ContactResult> {
    const cap = Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER;
    const r = (await this.op(() => this.run.hushAddContact(this.prefix + 'contacts:' + key(subject, day), contact, cap, CONTACT_TTL_MS))) as [number, number, number];
    return { allowed: r[0] === 1, used: r[1], duplicate: r[2] === 1 };
  }

  /** Deletes every key under the prefix (for tests); returns how many. */
  async deleteAll(): Promise<number> {
    const pattern = this.prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.call(() => this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
      cursor = next;
      if (keys.length > 0) deleted += await this.call(() => this.redis.del(...keys));
    } while (cursor !== '0');
    return deleted;
  }

  /** Quits the connection (the one given to the constructor too); resolves once it is closed. */
  async close(): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'end') return;
    if (redis.status === 'ready') {
      const ended = new Promise<void>((done) => redis.once('end', () => done()));
      try {
        await redis.quit();
        await ended;
        return;
      } catch {
        // Fall through: drop the connection.
      }
    }
    // Not open (connecting, or waiting to reconnect): stop it; ioredis may not emit 'end' then.
    redis.disconnect();
  }
}
