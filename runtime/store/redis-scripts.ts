// The Redis store's Lua scripts (layout 2, key names in runtime/store/redis-keys.ts). Redis runs a
// script alone, so each is one atomic check-and-update; ioredis `defineCommand` sends it by
// EVALSHA and falls back to EVAL when the server does not know it (NOSCRIPT: a restart, SCRIPT
// FLUSH, a new cluster node).
//
// Every script but `hushVersion` and `hushSlotEpoch` begins by checking the keyspace's epoch:
// KEYS[1] is the epoch key of the slot the script's other keys live in (the one epoch key of a
// single server), ARGV[1] the epoch this process began with. A missing or different epoch is the
// error reply `HUSHLOST missing|changed` and nothing is read or written: a server that restarted
// without its data, a flushed database, or a cluster node that came back empty is noticed by the
// very operation that would have used it, in the same round trip. After the check, the script's
// own keys and arguments are `K` and `A` (KEYS and ARGV without the first).

/** `%.17g` prints an integral double exactly (Lua's own tostring keeps only 14 digits). */
const LUA_NUM = `local function num(x) return string.format('%.17g', x) end\n`;

const EPOCH_CHECK = `local ep = redis.call('GET', KEYS[1])
if ep ~= ARGV[1] then return redis.error_reply('HUSHLOST ' .. (ep and 'changed' or 'missing')) end
local K, A = {}, {}
for i = 2, #KEYS do K[i - 1] = KEYS[i] end
for i = 2, #ARGV do A[i - 1] = ARGV[i] end
`;

// One message in one flood window (spec/runtime.md §7): z the window's sorted set, meta its hash
// (max: the longest window asked about, seq: the sequence, edge: the latest at − max of its kept
// messages). record: record the message (else count only; an unknown key counts 0). member: ''
// (no id: the key's next sequence number, all digits) or ':' .. the message's id, so the two
// never meet and an id the key holds is a replay (ZADD NX: nothing changes). A message at or
// before the edge counts 1 and is not kept. The time to live (max + slack) is set when a message
// is kept or max grows, so idleness is measured from then.
const FLOOD_FN = `local function flood(z, meta, atText, wText, slackText, record, member)
  local at = tonumber(atText)
  local w = tonumber(wText)
  local max = redis.call('HGET', meta, 'max')
  if not record and not max then return 0 end
  max = tonumber(max or '0')
  local touched = false
  if w > max then max = w redis.call('HSET', meta, 'max', wText) touched = true end
  local edge = redis.call('HGET', meta, 'edge')
  if edge then edge = tonumber(edge) end
  local n
  if edge and at <= edge then
    n = 1
  else
    if record then
      if member == '' then member = redis.call('HINCRBY', meta, 'seq', 1) end
      if redis.call('ZADD', z, 'NX', atText, member) == 1 then
        touched = true
        local e = at - max
        if not edge or e > edge then
          redis.call('HSET', meta, 'edge', num(e))
          redis.call('ZREMRANGEBYSCORE', z, '-inf', num(e))
        end
      end
    end
    n = redis.call('ZCOUNT', z, '(' .. num(at - w), atText)
  end
  if touched then
    local ttl = num(max + tonumber(slackText))
    redis.call('PEXPIRE', z, ttl)
    redis.call('PEXPIRE', meta, ttl)
  end
  return n
end
`;

interface ScriptDef {
  /** KEYS, the epoch key included. */
  keys: number;
  lua: string;
}

/** A script that checks the epoch first; `body` uses K and A. */
const checked = (keys: number, body: string, prelude = ''): ScriptDef => ({ keys: keys + 1, lua: prelude + EPOCH_CHECK + body });

export const SCRIPTS = {
  // KEYS: version, epoch. ARGV: this code's layout version, a fresh epoch. Creates both when the
  // keyspace is new. Returns {version, epoch}.
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
  // Redis Cluster: KEYS: one slot's epoch key. ARGV: the epoch. Sets it unless set; returns it.
  hushSlotEpoch: {
    keys: 1,
    lua: `redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])`,
  },
  // Only the epoch check: KEYS: epoch. Returns 1.
  hushCheck: checked(0, `return 1`),
  // KEYS: flood, flood-meta. ARGV: at, windowMs, slackMs, record ('1'/'0'), member.
  hushFlood: checked(2, `return flood(K[1], K[2], A[1], A[2], A[3], A[4] == '1', A[5])`, LUA_NUM + FLOOD_FN),
  // Everything a message's decision reads, and its flood record (Store.admitMessage).
  // KEYS: blacklist enterprise, personal (the group's again when there is no owner), group, mute,
  // flood, flood-meta, join. ARGV: at, slackMs, member, exempt ('1'/'0'), then the windows.
  // Returns {'b', scope, at} (blacklisted: 1 enterprise, 2 personal, 3 group); or
  // {'s', mute or ''} (muted at `at`, or exempt); or {'r', mute or '', joined or '', counts…}.
  hushAdmit: checked(
    7,
    `local b = redis.call('GET', K[1])
if b then return {'b', 1, b} end
if K[2] ~= K[3] then
  b = redis.call('GET', K[2])
  if b then return {'b', 2, b} end
end
b = redis.call('GET', K[3])
if b then return {'b', 3, b} end
local m = redis.call('GET', K[4])
if (m and tonumber(A[1]) < tonumber(m)) or A[4] == '1' then return {'s', m or ''} end
local out = {'r', m or '', redis.call('GET', K[7]) or ''}
for i = 5, #A do out[#out + 1] = flood(K[5], K[6], A[1], A[i], A[2], i == 5, A[3]) end
return out`,
    LUA_NUM + FLOOD_FN,
  ),
  // A join (Store.admitJoin). KEYS: the group's blacklist entry, join. ARGV: at.
  // Returns the entry's time when blacklisted (nothing recorded), else ''.
  hushAdmitJoin: checked(
    2,
    `local b = redis.call('GET', K[1])
if b then return b end
local j = redis.call('GET', K[2])
if not j or tonumber(A[1]) > tonumber(j) then redis.call('SET', K[2], A[1]) end
return ''`,
  ),
  // KEYS: one key. Returns its string value or nil.
  hushGet: checked(1, `return redis.call('GET', K[1])`),
  // KEYS: one key. ARGV: value. SET.
  hushSet: checked(1, `redis.call('SET', K[1], A[1]) return 0`),
  // KEYS: one key. ARGV: value. SET NX.
  hushSetNx: checked(1, `redis.call('SET', K[1], A[1], 'NX') return 0`),
  // KEYS: mute. ARGV: until. The later end is kept.
  hushMute: checked(
    1,
    `local p = redis.call('GET', K[1])
if not p or tonumber(A[1]) > tonumber(p) then redis.call('SET', K[1], A[1]) end
return 0`,
  ),
  // KEYS: strikes, strike-order. ARGV: violation, at, expireMs ('' for never), counted ('1'/'0').
  // Returns {ordinal, duplicate}.
  hushAddStrike: checked(
    2,
    `local function ord(rec) return tonumber(string.sub(rec, string.find(rec, ' ', 1, true) + 1)) end
local prev = redis.call('HGET', K[1], A[1])
if prev then return {ord(prev), 1} end
if A[4] == '0' then
  redis.call('HSET', K[1], A[1], A[2] .. ' 0')
  redis.call('RPUSH', K[2], A[1])
  return {0, 0}
end
local at = tonumber(A[2])
local edge = nil
if A[3] ~= '' then edge = at - tonumber(A[3]) end
local live = 0
local order = redis.call('LRANGE', K[2], 0, -1)
for _, v in ipairs(order) do
  local rec = redis.call('HGET', K[1], v)
  local sp = string.find(rec, ' ', 1, true)
  if tonumber(string.sub(rec, sp + 1)) > 0 then
    if edge and tonumber(string.sub(rec, 1, sp - 1)) <= edge then
      redis.call('HDEL', K[1], v)
      redis.call('LREM', K[2], 1, v)
    else
      live = live + 1
    end
  end
end
redis.call('HSET', K[1], A[1], A[2] .. ' ' .. (live + 1))
redis.call('RPUSH', K[2], A[1])
return {live + 1, 0}`,
  ),
  // KEYS: strikes, strike-order. Returns {violation, "<at> <ordinal>", …}, oldest first.
  hushStrikesOf: checked(
    2,
    `local out = {}
for _, v in ipairs(redis.call('LRANGE', K[2], 0, -1)) do
  out[#out + 1] = v
  out[#out + 1] = redis.call('HGET', K[1], v)
end
return out`,
  ),
  // KEYS: the sanction id's index key. ARGV: subject. Claims the id for the subject unless
  // another subject holds it. Returns the subject that holds it.
  hushClaimSanction: checked(
    1,
    `redis.call('SET', K[1], A[1], 'NX')
return redis.call('GET', K[1])`,
  ),
  // KEYS: sanction, sanctions-of. ARGV: id, then field/value pairs. Returns 1 when inserted.
  hushPutSanction: checked(
    2,
    `if redis.call('EXISTS', K[1]) == 1 then return 0 end
redis.call('HSET', K[1], unpack(A, 2))
redis.call('SADD', K[2], A[1])
return 1`,
  ),
  // KEYS: sanctions-of. ARGV: the subject's sanction key prefix (same hash tag). Returns each
  // sanction's HGETALL.
  hushSanctionsOf: checked(
    1,
    `local out = {}
for _, id in ipairs(redis.call('SMEMBERS', K[1])) do out[#out + 1] = redis.call('HGETALL', A[1] .. id) end
return out`,
  ),
  // KEYS: sanction. ARGV: at, reason. Returns the lifted sanction's HGETALL, or nil.
  hushLiftSanction: checked(
    1,
    `if redis.call('EXISTS', K[1]) == 0 or redis.call('HEXISTS', K[1], 'liftedAt') == 1 then return false end
redis.call('HSET', K[1], 'liftedAt', A[1], 'liftReason', A[2])
return redis.call('HGETALL', K[1])`,
  ),
  // KEYS: sanction. ARGV: until. Returns 1 when set.
  hushEndSanction: checked(
    1,
    `if redis.call('EXISTS', K[1]) == 0 or redis.call('HEXISTS', K[1], 'until') == 1 then return 0 end
redis.call('HSET', K[1], 'until', A[1])
return 1`,
  ),
  // KEYS: linked (the subject's). ARGV: '1'/'0', at. The value is "<flag> <at>"; an older status
  // changes nothing. Returns the previous flag or nil.
  hushSetLinked: checked(
    1,
    `local prev = redis.call('GET', K[1])
if not prev then redis.call('SET', K[1], A[1] .. ' ' .. A[2]) return false end
local sp = string.find(prev, ' ', 1, true)
if tonumber(string.sub(prev, sp + 1)) <= tonumber(A[2]) then redis.call('SET', K[1], A[1] .. ' ' .. A[2]) end
return string.sub(prev, 1, 1)`,
  ),
  // KEYS: appeal-ids, appeals. ARGV: id, JSON.
  hushRecordAppeal: checked(
    2,
    `if redis.call('SADD', K[1], A[1]) == 1 then redis.call('RPUSH', K[2], A[2]) end
return 0`,
  ),
  // KEYS: appeals. Returns the list.
  hushAppealsOf: checked(1, `return redis.call('LRANGE', K[1], 0, -1)`),
  // KEYS: contacts. ARGV: contact, limit, ttlMs. Returns {allowed, used, duplicate}.
  hushAddContact: checked(
    1,
    `local n = redis.call('SCARD', K[1])
if redis.call('SISMEMBER', K[1], A[1]) == 1 then return {1, n, 1} end
if n >= tonumber(A[2]) then return {0, n, 0} end
redis.call('SADD', K[1], A[1])
redis.call('PEXPIRE', K[1], A[3])
return {1, n + 1, 0}`,
  ),
} as const satisfies Record<string, ScriptDef>;

export type ScriptName = keyof typeof SCRIPTS;
