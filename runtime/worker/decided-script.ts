// Exactly once in the output stream: the decision of an input entry is written and the entry
// acknowledged by one Lua script, which Redis runs alone. The script writes only while the entry
// is still pending in the group (XPENDING on its id): the first worker to finish an entry appends
// its decision (XADD) and acknowledges it (XACK) in the same atomic step; any other worker that
// decided the same entry (it claimed it from a worker that stalled, or retried after a lost
// reply) finds it acknowledged and writes nothing. The pending entries list is the "done"
// marker: no key per entry to keep or expire, and an entry cannot be acknowledged without its
// decision nor decided twice in the output. The output key's type is checked before anything is
// written, so a script error can leave nothing half done.
//
// KEYS: input stream, output stream. ARGV: group, entry id, the decision line, '1' to delete the
// input entry once acknowledged. Returns the output entry's id, or nil when the entry was not
// pending (already decided).
export const DECIDED_LUA = `local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 then return false end
local t = redis.call('TYPE', KEYS[2])['ok']
if t ~= 'stream' and t ~= 'none' then return redis.error_reply('WRONGTYPE the output key holds a ' .. t .. ', not a stream') end
local id = redis.call('XADD', KEYS[2], '*', 'entry', ARGV[2], 'decision', ARGV[3], 'deliveries', tostring(p[1][4]))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] == '1' then redis.call('XDEL', KEYS[1], ARGV[2]) end
return id`;

/** The fields of an output entry: the input entry's id, the decision line, its delivery count. */
export interface OutputEntry {
  /** The output entry's own id. */
  id: string;
  /** The input entry's id. */
  entry: string;
  /** The decision, or the error record, as a JSON line (runtime/engine/jsonl.ts). */
  decision: string;
  /** How many times the input entry had been delivered when this decision was written (1: first). */
  deliveries: number;
}

/** Reads the entries XRANGE / XREAD give for the output stream. */
export function outputEntries(raw: [string, string[]][]): OutputEntry[] {
  return raw.map(([id, fields]) => {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
    return { id, entry: f.get('entry') ?? '', decision: f.get('decision') ?? '', deliveries: Number(f.get('deliveries') ?? '0') };
  });
}
