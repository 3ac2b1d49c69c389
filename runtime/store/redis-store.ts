// State in Redis (ioredis), shared by many workers on many machines: one server (or a primary
// with replicas), or a Redis Cluster. Every operation is one Lua script run by EVALSHA (ioredis
// `defineCommand`, EVAL again on NOSCRIPT; runtime/store/redis-scripts.ts): Redis runs a script
// alone, so workers racing on the same member never lose an increment, never apply a ladder step
// twice, never count a contact twice. Each script checks the keyspace's epoch first, in the same
// round trip.
//
// A message costs one round trip: `admitMessage` reads the action-made blacklists, the mute and
// the join time and records the flood window in one script; a message that fires a mute and a
// blacklist sends the two writes together. A join costs one (`admitJoin`).
//
// Keys (layout 2; runtime/store/redis-keys.ts says why each event's keys share a hash slot), all
// under the prefix P and a subject's hash tag T = {u:<subject>} (composite parts as a JSON array,
// so no id collides with another: ["g-1","c-9"]):
//
//   P{-}version                   string: the layout version (2); another is `hush/store/version`
//   P{-}epoch                     string: a random id written with the version; an operation that
//                                 finds it changed or gone (Redis restarted empty, FLUSHDB) fails
//                                 with `hush/store/lost`, and so does every later one
//   P{<t>}epoch                   Redis Cluster: the same id in every hash slot, so each script
//                                 checks the epoch of its own slot (a node that came back empty)
//   P T flood:[group,sender]      sorted set: one member per message, score = its time; the
//                                 member is ':' + the event id, or (no id) a per-key sequence
//                                 number, so a replayed id is recorded once; entries at or before
//                                 the key's edge are removed as its own messages come
//   P T flood-meta:[group,sender] hash: max (longest window asked about), seq, edge
//   P T join:[group,member]       string: time of the latest join
//   P T mute:[group,sender]       string: end of the mute (the later end is kept)
//   P T blacklist:[scope,key,sender] string: time of the first entry (SET NX)
//   P T strikes:[ladder,subject]  hash: violation id → "<at> <ordinal>"
//   P T strike-order:[ladder,subject] list: violation ids, oldest first
//   P T sanction:<id>             hash: the SanctionRecord's fields (null ones absent)
//   P T sanctions-of:<subject>    set: the subject's sanction ids
//   P{i:<id>}sanction-subject:<id> string: the subject the sanction id belongs to (SET NX), so
//                                 that a sanction is lifted or ended by its id alone
//   P T linked                    string: "1 <at>" (blocked) or "0 <at>", the latest status
//   P T appeal-ids:<subject>      set: the subject's appeal ids
//   P T appeals:<subject>         list: the subject's appeals as JSON, in order
//   P T contacts:[subject,day]    set: contacts added that day
//
// Flood keys expire (Redis TTL, wall-clock time) an hour after their longest window once idle,
// contact keys three days after the day's last add: MemoryStore and SqliteStore sweep idle
// windows by the same wall-clock rule, never by event time, so a spoofed time reaches no other
// key. Everything else is kept.
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { redisTarget } from './redis-target.ts';
import { isClusterSpec, redisClusterTarget } from './redis-cluster-target.ts';
import { checkPrefix, GLOBAL_TAG, sanctionIdTag, SLOTS, slotEpochTags, slotOf, subjectTag } from './redis-keys.ts';
import { SCRIPTS, type ScriptName } from './redis-scripts.ts';
import {
  compareSanctions,
  compareStrings,
  StoreError,
  type ActionBlacklist,
  type AppealRecord,
  type AsyncStore,
  type BlacklistScope,
  type ContactResult,
  type MessageAdmission,
  type MessageAdmitted,
  type SanctionKind,
  type SanctionRecord,
  type StrikeRecord,
  type StrikeResult,
} from './store.ts';

/** The key layout version this code reads and writes. */
export const REDIS_LAYOUT_VERSION = '2';
/** Flood keys live this long (wall clock) beyond their longest window. */
export const FLOOD_SLACK_MS = 3_600_000;
/** Contact-add keys live this long (wall clock) after the last add. */
export const CONTACT_TTL_MS = 3 * 86_400_000;

type Arg = string | number;
type Scripted = { [K in ScriptName]: (...args: Arg[]) => Promise<unknown> };
type Client = Redis | Cluster;

export interface RedisStoreOptions {
  /** Prepended to every key, e.g. `hush:` (default) or `hush:test:<random>:`; no `{` or `}`. */
  prefix?: string;
  /** How long one command may wait for its reply (default 2000 ms); then `hush/store/unreachable`. */
  commandTimeoutMs?: number;
  /** How long opening a connection may take (default 2000 ms). */
  connectTimeoutMs?: number;
  /**
   * Accepted for callers of layout 1, which checked the epoch on a timer; every operation now
   * checks it in its own script, so this changes nothing.
   */
  epochCheckMs?: number;
  /** Refuse a prefix that holds no Hush state (`hush/store/missing`) instead of starting one (readers such as `hush sanctions`). */
  mustExist?: boolean;
  /**
   * `admitMessage` and `admitJoin` as the engine asked before layout 2: one operation (one round
   * trip) per read, one after another. For measuring the difference (bench/redis-round-trips.bench.ts).
   */
  stepwise?: boolean;
}

/** The default wait for one command's reply. */
export const COMMAND_TIMEOUT_MS = 2000;

/** `host:port` (or the socket path) of a connection, without credentials, for messages. */
function addressOf(redis: Client): string {
  if (redis instanceof Cluster) return redis.nodes('master').map((n) => `${n.options.host ?? '127.0.0.1'}:${n.options.port ?? 6379}`).join(',') || 'Redis Cluster';
  const o = redis.options;
  return o.path ? o.path : `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}

const key = (...parts: Arg[]) => JSON.stringify(parts);

const SCOPES: BlacklistScope[] = ['enterprise', 'personal', 'group'];

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
  /** `host:port` of the server (the start nodes of a cluster), for messages. */
  readonly address: string;
  /** Whether the store runs on a Redis Cluster. */
  readonly cluster: boolean;
  /** Commands sent to Redis so far (each script call is one; a NOSCRIPT retry another). */
  commandsSent = 0;
  private readonly redis: Client;
  private readonly run: Scripted;
  /** The database the URL names: selected and checked by `init`, re-selected by ioredis. */
  private readonly db: number;
  private readonly connectTimeoutMs: number;
  private readonly mustExist: boolean;
  private readonly stepwise: boolean;
  private ready: Promise<void> | null = null;
  /** The keyspace's epoch as this store first saw it; null until then. */
  private epoch: string | null = null;
  /** Once the keyspace was lost, every operation fails with this. */
  private lost: StoreError | null = null;
  /** The last connection error of a connection this store made (ECONNREFUSED…), for messages. */
  private lastConnectionError: string | null = null;
  /** Cluster: each slot's epoch key; one server: null (the one epoch key serves every key). */
  private readonly slotEpochKeys: string[] | null;

  /**
   * `target`: a Redis URL (`redis://host:6379/0`, read by `redisTarget`), a Redis Cluster URL
   * (`redis+cluster://host:7000,host:7001`, read by `redisClusterTarget`), or an ioredis `Redis`
   * or `Cluster`; a malformed URL or prefix is `hush/store/bad-option`. Connects lazily; the first
   * operation fails with `hush/store/unreachable` when the server does not answer (use
   * `RedisStore.connect` to find out at once). No command waits longer than `commandTimeoutMs`.
   */
  constructor(target: string | Client, options: RedisStoreOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.mustExist = options.mustExist ?? false;
    this.stepwise = options.stepwise ?? false;
    const commandTimeout = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    // Fail a command fast when the server is away or silent, and keep reconnecting for later
    // ones. Nothing is queued while disconnected and nothing is re-sent on a new connection.
    const connection = {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: this.connectTimeoutMs,
      commandTimeout,
      retryStrategy: (times: number) => Math.min(times * 100, 2000),
    };
    let prefix: string;
    let address: string | null = null;
    if (typeof target === 'string' && isClusterSpec(target)) {
      const t = redisClusterTarget(target);
      prefix = options.prefix ?? t.prefix ?? 'hush:';
      address = t.address;
      checkPrefix(prefix, t.address);
      this.db = 0;
      this.redis = new Cluster(t.nodes, {
        enableOfflineQueue: false,
        enableReadyCheck: true,
        // Commands issued in the same tick go to each node as one write (the epoch spread at
        // start, concurrent decisions).
        enableAutoPipelining: true,
        clusterRetryStrategy: (times: number) => Math.min(times * 100, 2000),
        slotsRefreshTimeout: this.connectTimeoutMs,
        redisOptions: { ...connection, username: t.username, password: t.password, ...(t.tls ? { tls: {} } : {}) },
      });
    } else if (typeof target === 'string') {
      const t = redisTarget(target);
      prefix = options.prefix ?? t.prefix ?? 'hush:';
      checkPrefix(prefix, t.address);
      this.db = t.db;
      this.redis = new Redis(t.url, { db: t.db, ...connection });
    } else {
      prefix = options.prefix ?? 'hush:';
      checkPrefix(prefix, 'Redis');
      this.db = target instanceof Cluster ? 0 : (target.options.db ?? 0);
      this.redis = target;
    }
    this.prefix = prefix;
    this.cluster = this.redis instanceof Cluster;
    this.address = address ?? addressOf(this.redis);
    // Connection errors reach the caller through the failed operation, not as events.
    this.redis.on('error', (e: Error) => {
      this.lastConnectionError = e.message;
    });
    this.redis.on('ready', () => {
      this.lastConnectionError = null;
    });
    this.slotEpochKeys = this.cluster ? slotEpochTags().map((t) => `${this.prefix}{${t}}epoch`) : null;
    for (const [name, s] of Object.entries(SCRIPTS)) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys: s.keys, lua: s.lua });
    }
    this.run = this.redis as unknown as Scripted;
    const send = this.redis.sendCommand.bind(this.redis) as (...a: unknown[]) => unknown;
    (this.redis as unknown as { sendCommand: (...a: unknown[]) => unknown }).sendCommand = (...a: unknown[]) => {
      this.commandsSent++;
      return send(...a);
    };
  }

  /** Opens a store and checks at once that the server answers and holds a layout this code reads. */
  static async connect(target: string | Client, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const store = new RedisStore(target, options);
    try {
      await store.init();
    } catch (e) {
      store.redis.disconnect();
      throw e;
    }
    return store;
  }

  private get versionKey(): string {
    return this.prefix + GLOBAL_TAG + 'version';
  }

  private get mainEpochKey(): string {
    return this.prefix + GLOBAL_TAG + 'epoch';
  }

  /** The epoch key in the slot of `k` (the one epoch key on a single server). */
  private epochKeyFor(k: string): string {
    return this.slotEpochKeys === null ? this.mainEpochKey : this.slotEpochKeys[slotOf(k)];
  }

  private init(): Promise<void> {
    return (this.ready ??= (async () => {
      await this.connected();
      if (this.db !== 0) await this.selectDb();
      // Layout 1 kept its version at `P version` (no hash tag): refuse it rather than start a
      // second keyspace beside it.
      const legacy = await this.call(() => this.redis.get(this.prefix + 'version'));
      if (legacy !== null) {
        throw new StoreError(
          'hush/store/version',
          `the state under prefix "${this.prefix}" on Redis ${this.address} has layout version ${legacy}, this hush reads version ${REDIS_LAYOUT_VERSION}; it was left as it is`,
          this.address,
        );
      }
      const [v, epoch] = this.mustExist
        ? ((await this.call(() => this.run.hushEpoch(this.versionKey, this.mainEpochKey))) as [string | null, string | null])
        : ((await this.call(() => this.run.hushVersion(this.versionKey, this.mainEpochKey, REDIS_LAYOUT_VERSION, randomUUID()))) as [string, string]);
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
      if (epoch === null) throw this.lostError('its epoch key is missing');
      if (this.slotEpochKeys !== null && !this.mustExist) await this.spreadEpoch(epoch);
      this.epoch = epoch;
    })().catch((e) => {
      this.ready = null;
      throw e;
    }));
  }

  /**
   * Redis Cluster: writes the epoch into every slot that has none yet (SET NX, so concurrent
   * workers agree on the main key's epoch), and stops with `hush/store/lost` when a slot holds
   * another: part of the cluster belongs to another keyspace.
   */
  private async spreadEpoch(epoch: string): Promise<void> {
    const marker = this.prefix + GLOBAL_TAG + 'epoch-spread';
    // Spread once per keyspace: a later worker finds the marker and starts at once. A slot whose
    // copy vanished later (its node came back empty) is found by the first script that uses it.
    if ((await this.call(() => this.redis.get(marker))) === epoch) return;
    const keys = this.slotEpochKeys!;
    const cluster = this.redis as Cluster;
    // One pipeline per master of the slots it serves (SET NX GET: the value it holds after);
    // a slot that moved meanwhile is done again on its own, wherever the cluster sends it.
    const masters = new Map<string, Redis>(cluster.nodes('master').map((r) => [`${r.options.host}:${r.options.port}`, r] as const));
    // The cluster connects to a node on its first command; a pipeline needs the connection first.
    await Promise.all([...masters.values()].map((node) => this.nodeReady(node)));
    const bySlot = new Map<Redis, number[]>();
    const alone: number[] = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      const node = masters.get(cluster.slots[slot]?.[0] ?? '');
      if (node) bySlot.set(node, [...(bySlot.get(node) ?? []), slot]);
      else alone.push(slot);
    }
    const holds = (slot: number, old: string | null) => {
      if (old !== null && old !== epoch) throw this.lostError(`hash slot ${slot} holds the epoch of another keyspace`);
    };
    await this.call(() =>
      Promise.all(
        [...bySlot].map(async ([node, slots]) => {
          const p = node.pipeline();
          for (const slot of slots) p.set(keys[slot], epoch, 'NX', 'GET');
          const replies = (await p.exec()) ?? [];
          slots.forEach((slot, i) => {
            const [err, old] = replies[i] ?? [new Error('no reply'), null];
            if (err) alone.push(slot);
            else holds(slot, old as string | null);
          });
        }),
      ),
    );
    const rest = await this.call(() => Promise.all(alone.map((slot) => this.run.hushSlotEpoch(keys[slot], epoch))));
    alone.forEach((slot, i) => holds(slot, rest[i] === epoch ? null : 'another'));
    await this.call(() => this.redis.set(marker, epoch));
  }

  /** Connects one node of a cluster (within the connect timeout); a node that does not answer is left to the cluster. */
  private async nodeReady(node: Redis): Promise<void> {
    if (node.status === 'ready') return;
    if (node.status === 'wait') node.connect().catch(() => undefined);
    await new Promise<void>((done) => {
      const timer = setTimeout(finish, this.connectTimeoutMs);
      function finish() {
        clearTimeout(timer);
        node.off('ready', finish);
        done();
      }
      node.once('ready', finish);
    });
  }

  /**
   * Waits (up to the connect timeout) for the connection to be ready: commands are never queued
   * for a connection that is not.
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
      await (this.redis as Redis).select(this.db);
    } catch (e) {
      const err = e as Error;
      if (err?.name === 'ReplyError') {
        throw new StoreError('hush/store/bad-option', `Redis ${this.address} has no database ${this.db} (${err.message})`, this.address);
      }
      throw this.storeError(e);
    }
  }

  private lostError(why: string): StoreError {
    return new StoreError(
      'hush/store/lost',
      `the state under prefix "${this.prefix}" on Redis ${this.address} is gone or was replaced while this process used it (${why}): the server restarted without its data or was flushed; stopping rather than deciding without state`,
      this.address,
    );
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
      const lost = /^HUSHLOST (\w+)/.exec(err.message);
      if (lost) {
        this.lost ??= this.lostError(lost[1] === 'missing' ? 'its epoch key is missing' : 'its epoch changed');
        return this.lost;
      }
      if (/^WRONGTYPE/.test(err.message)) {
        return new StoreError('hush/store/corrupt', `a key under prefix "${this.prefix}" on Redis ${this.address} holds a value of another type (${err.message}); it was left as it is`, this.address);
      }
      return new StoreError('hush/store/failed', `Redis ${this.address} refused an operation (${err.message})`, this.address);
    }
    const detail = this.lastConnectionError ?? (err instanceof Error ? err.message : String(e)).replace(/\. Refer to .*$/, '');
    return new StoreError('hush/store/unreachable', `cannot reach Redis at ${this.address} (${detail}); is the server running?`, this.address);
  }

  /**
   * Runs script `name` on `keys` (all of one hash slot) with `args`: the epoch key of their slot
   * and this process's epoch go first, for the script's own check.
   */
  private async script<T>(name: ScriptName, keys: string[], ...args: Arg[]): Promise<T> {
    if (this.lost) throw this.lost;
    await this.connected();
    await (this.ready ?? this.init());
    if (this.lost) throw this.lost;
    return this.call(() => this.run[name](this.epochKeyFor(keys[0] ?? this.mainEpochKey), ...keys, this.epoch!, ...args) as Promise<T>);
  }

  /** A key of `subject`'s: under its hash tag. */
  private sk(subject: string, rest: string): string {
    return this.prefix + subjectTag(subject) + rest;
  }

  private floodKeys(group: string, sender: string): [string, string] {
    const k = key(group, sender);
    return [this.sk(sender, 'flood:' + k), this.sk(sender, 'flood-meta:' + k)];
  }

  private blacklistKey(scope: BlacklistScope, k: string, sender: string): string {
    return this.sk(sender, 'blacklist:' + key(scope, k, sender));
  }

  private muteKey(group: string, sender: string): string {
    return this.sk(sender, 'mute:' + key(group, sender));
  }

  private joinKey(group: string, member: string): string {
    return this.sk(member, 'join:' + key(group, member));
  }

  async admitMessage(q: MessageAdmission): Promise<MessageAdmitted> {
    if (this.stepwise) return this.admitMessageStepwise(q);
    const [z, meta] = this.floodKeys(q.group, q.sender);
    const group = this.blacklistKey('group', q.group, q.sender);
    const keys = [this.blacklistKey('enterprise', '', q.sender), q.owner === null ? group : this.blacklistKey('personal', q.owner, q.sender), group];
    keys.push(this.muteKey(q.group, q.sender), z, meta, this.joinKey(q.group, q.sender));
    const r = await this.script<(string | number)[]>('hushAdmit', keys, q.at, FLOOD_SLACK_MS, q.id === undefined ? '' : ':' + q.id, q.exempt ? '1' : '0', ...q.windows);
    const time = (v: string | number) => (v === '' ? null : Number(v));
    if (r[0] === 'b') {
      const scope = SCOPES[Number(r[1]) - 1];
      const k = scope === 'enterprise' ? '' : scope === 'personal' ? q.owner! : q.group;
      return { blacklisted: { scope, key: k, at: Number(r[2]) }, mutedUntil: null, counts: [], joinedAt: null };
    }
    if (r[0] === 's') return { blacklisted: null, mutedUntil: time(r[1]), counts: [], joinedAt: null };
    return { blacklisted: null, mutedUntil: time(r[1]), counts: r.slice(3).map(Number), joinedAt: time(r[2]) };
  }

  /** The reads of `admitMessage` one operation at a time, as the engine made them before layout 2. */
  private async admitMessageStepwise(q: MessageAdmission): Promise<MessageAdmitted> {
    let blacklisted = await this.blacklistEntry('enterprise', '', q.sender);
    if (!blacklisted && q.owner !== null) blacklisted = await this.blacklistEntry('personal', q.owner, q.sender);
    if (!blacklisted) blacklisted = await this.blacklistEntry('group', q.group, q.sender);
    if (blacklisted) return { blacklisted, mutedUntil: null, counts: [], joinedAt: null };
    const mutedUntil = await this.mutedUntil(q.group, q.sender);
    if ((mutedUntil !== null && q.at < mutedUntil) || q.exempt) return { blacklisted: null, mutedUntil, counts: [], joinedAt: null };
    const counts: number[] = [];
    for (let i = 0; i < q.windows.length; i++) {
      counts.push(await (i === 0 ? this.recordMessage(q.group, q.sender, q.at, q.windows[i], q.id) : this.countMessages(q.group, q.sender, q.at, q.windows[i])));
    }
    return { blacklisted: null, mutedUntil, counts, joinedAt: await this.joinedAt(q.group, q.sender) };
  }

  async admitJoin(group: string, member: string, at: number): Promise<ActionBlacklist | null> {
    if (this.stepwise) {
      const b = await this.blacklistEntry('group', group, member);
      if (b) return b;
      const joined = await this.joinedAt(group, member);
      if (joined === null || at > joined) await this.recordJoin(group, member, at);
      return null;
    }
    const r = await this.script<string>('hushAdmitJoin', [this.blacklistKey('group', group, member), this.joinKey(group, member)], at);
    return r === '' ? null : { scope: 'group', key: group, at: Number(r) };
  }

  async recordMessage(group: string, sender: string, at: number, windowMs: number, id?: string): Promise<number> {
    return this.script<number>('hushFlood', this.floodKeys(group, sender), at, windowMs, FLOOD_SLACK_MS, '1', id === undefined ? '' : ':' + id);
  }

  async countMessages(group: string, sender: string, at: number, windowMs: number): Promise<number> {
    return this.script<number>('hushFlood', this.floodKeys(group, sender), at, windowMs, FLOOD_SLACK_MS, '0', '');
  }

  async recordJoin(group: string, member: string, at: number): Promise<void> {
    await this.script('hushSet', [this.joinKey(group, member)], at);
  }

  async joinedAt(group: string, member: string): Promise<number | null> {
    const v = await this.script<string | null>('hushGet', [this.joinKey(group, member)]);
    return v === null ? null : Number(v);
  }

  async mute(group: string, sender: string, until: number): Promise<void> {
    await this.script('hushMute', [this.muteKey(group, sender)], until);
  }

  async mutedUntil(group: string, sender: string): Promise<number | null> {
    const v = await this.script<string | null>('hushGet', [this.muteKey(group, sender)]);
    return v === null ? null : Number(v);
  }

  async blacklist(scope: BlacklistScope, k: string, sender: string, at: number): Promise<void> {
    await this.script('hushSetNx', [this.blacklistKey(scope, k, sender)], at);
  }

  async blacklistEntry(scope: BlacklistScope, k: string, sender: string): Promise<ActionBlacklist | null> {
    const v = await this.script<string | null>('hushGet', [this.blacklistKey(scope, k, sender)]);
    return v === null ? null : { scope, key: k, at: Number(v) };
  }

  private strikeKeys(ladder: string, subject: string): [string, string] {
    const k = key(ladder, subject);
    return [this.sk(subject, 'strikes:' + k), this.sk(subject, 'strike-order:' + k)];
  }

  async addStrike(ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean): Promise<StrikeResult> {
    const r = await this.script<[number, number]>('hushAddStrike', this.strikeKeys(ladder, subject), violation, at, expireMs === null ? '' : expireMs, counted ? '1' : '0');
    return { ordinal: r[0], duplicate: r[1] === 1 };
  }

  async strikesOf(ladder: string, subject: string): Promise<StrikeRecord[]> {
    const flat = await this.script<string[]>('hushStrikesOf', this.strikeKeys(ladder, subject));
    const out: StrikeRecord[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [at, ordinal] = flat[i + 1].split(' ');
      out.push({ ladder, subject, violation: flat[i], at: Number(at), ordinal: Number(ordinal) });
    }
    return out;
  }

  private sanctionIndexKey(id: string): string {
    return this.prefix + sanctionIdTag(id) + 'sanction-subject:' + id;
  }

  /** The subject a sanction id belongs to, or null when no sanction has it. */
  private subjectOfSanction(id: string): Promise<string | null> {
    return this.script<string | null>('hushGet', [this.sanctionIndexKey(id)]);
  }

  async putSanction(s: SanctionRecord): Promise<boolean> {
    // The id is claimed for the subject first (its own slot), then the record is written under
    // the subject's tag. A crash in between leaves a claim without a record: the same put again
    // (a replay) finds its own claim and completes.
    const holder = await this.script<string>('hushClaimSanction', [this.sanctionIndexKey(s.id)], s.subject);
    if (holder !== s.subject) return false;
    const fields: Arg[] = ['id', s.id, 'subject', s.subject, 'ladder', s.ladder, 'step', s.step, 'sanction', s.sanction, 'from', s.from];
    fields.push('appealable', s.appealable ? '1' : '0', 'cause', s.cause);
    if (s.until !== null) fields.push('until', s.until);
    if (s.liftedAt !== null) fields.push('liftedAt', s.liftedAt);
    if (s.liftReason !== null) fields.push('liftReason', s.liftReason);
    const r = await this.script<number>('hushPutSanction', [this.sk(s.subject, 'sanction:' + s.id), this.sk(s.subject, 'sanctions-of:' + s.subject)], s.id, ...fields);
    return r === 1;
  }

  async sanctionsOf(subject: string): Promise<SanctionRecord[]> {
    const all = await this.script<string[][]>('hushSanctionsOf', [this.sk(subject, 'sanctions-of:' + subject)], this.sk(subject, 'sanction:'));
    return all.filter((h) => h.length > 0).map(sanctionOfHash).sort(compareSanctions);
  }

  /** SCAN (never KEYS) over the `sanctions-of:` sets under this store's prefix, on every master of a cluster. */
  async sanctionedSubjects(): Promise<string[]> {
    await this.script('hushCheck', []);
    const glob = (x: string) => x.replace(/[\\*?[\]]/g, (c) => '\\' + c);
    const match = glob(this.prefix + '{u:') + '*' + glob('}sanctions-of:') + '*';
    const subjects = new Set<string>();
    const head = this.prefix.length;
    for (const k of (await this.scanAll(match)).flatMap(([, keys]) => keys)) {
      const end = k.indexOf('}sanctions-of:', head);
      if (end >= 0) subjects.add(k.slice(end + '}sanctions-of:'.length));
    }
    return [...subjects].sort(compareStrings);
  }

  async liftSanction(id: string, at: number, reason: string): Promise<SanctionRecord | null> {
    const subject = await this.subjectOfSanction(id);
    if (subject === null) return null;
    const h = await this.script<string[] | null>('hushLiftSanction', [this.sk(subject, 'sanction:' + id)], at, reason);
    return h === null ? null : sanctionOfHash(h);
  }

  async endSanction(id: string, until: number): Promise<boolean> {
    const subject = await this.subjectOfSanction(id);
    if (subject === null) return false;
    return (await this.script<number>('hushEndSanction', [this.sk(subject, 'sanction:' + id)], until)) === 1;
  }

  async setLinkedBlocked(subject: string, blocked: boolean, at: number): Promise<boolean | null> {
    const prev = await this.script<string | null>('hushSetLinked', [this.sk(subject, 'linked')], blocked ? '1' : '0', at);
    return prev === null ? null : prev === '1';
  }

  async recordAppeal(a: AppealRecord): Promise<void> {
    const json = JSON.stringify({ subject: a.subject, id: a.id, at: a.at, sanction: a.sanction, granted: a.granted, reason: a.reason });
    await this.script('hushRecordAppeal', [this.sk(a.subject, 'appeal-ids:' + a.subject), this.sk(a.subject, 'appeals:' + a.subject)], a.id, json);
  }

  async appealsOf(subject: string): Promise<AppealRecord[]> {
    const list = await this.script<string[]>('hushAppealsOf', [this.sk(subject, 'appeals:' + subject)]);
    return list.map((j) => JSON.parse(j) as AppealRecord);
  }

  async addContact(subject: string, day: number, contact: string, limit: number): Promise<ContactResult> {
    const cap = Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER;
    const r = await this.script<[number, number, number]>('hushAddContact', [this.sk(subject, 'contacts:' + key(subject, day))], contact, cap, CONTACT_TTL_MS);
    return { allowed: r[0] === 1, used: r[1], duplicate: r[2] === 1 };
  }

  /** Every key matching `match` (a SCAN pattern), on the server or on every master of a cluster, by node. */
  private async scanAll(match: string): Promise<[Redis, string[]][]> {
    const nodes: Redis[] = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    const out: [Redis, string[]][] = [];
    for (const node of nodes) {
      if (this.redis instanceof Cluster) await this.nodeReady(node);
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await this.call(() => node.scan(cursor, 'MATCH', match, 'COUNT', 1000));
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      out.push([node, keys]);
    }
    return out;
  }

  /**
   * Deletes every key under the prefix (for tests); returns how many. `keepKeyspace`: only the
   * state, not the version and epoch keys, so that the next store under the prefix starts at once
   * (a cluster's epoch is spread to 16,384 slots once per keyspace).
   */
  async deleteAll(keepKeyspace = false): Promise<number> {
    await this.connected();
    let deleted = 0;
    const keyspace = /^\{(?!u:|i:)[^}]*\}(?:epoch|version|epoch-spread)$/;
    for (const [node, all] of await this.scanAll(this.prefix.replace(/[*?[\]\\]/g, '\\$&') + '*')) {
      const keys = keepKeyspace ? all.filter((k) => !keyspace.test(k.slice(this.prefix.length))) : all;
      // One DEL per key, pipelined on the node that holds them: a cluster refuses a DEL whose
      // keys lie in different slots.
      for (let i = 0; i < keys.length; i += 1000) {
        const p = node.pipeline();
        for (const k of keys.slice(i, i + 1000)) p.del(k);
        const replies = (await this.call(() => p.exec())) ?? [];
        for (const [err, n] of replies) if (!err) deleted += n as number;
      }
    }
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
