// The Redis store's key names (layout 2), and why one event's keys always share a hash slot.
//
// Every key is the store's prefix P, a hash tag, then what the key holds:
//
//   P{-}version, P{-}epoch          the layout version and the keyspace's epoch (one pair)
//   P{<t>}epoch                     Redis Cluster only: a copy of the epoch in every hash slot,
//                                   t a short tag that hashes to that slot (`slotEpochTags`)
//   P{u:<subject>}<what>            everything about one subject: a sender's flood windows,
//                                   mutes, joins and blacklist entries (the group, owner or
//                                   enterprise is part of <what>), a member's strikes,
//                                   sanctions, appeals, linked-account status and contact counts
//   P{i:<sanction id>}sanction-subject:<id>
//                                   the subject a sanction id belongs to (for lifting by id)
//
// Redis Cluster hashes only what is between the first `{` and the next `}`, so every key of one
// subject lies in one slot and a Lua script may use them together. No event reads or writes the
// state of two subjects (spec/deploy.md §3 gives the argument, event by event), so each event's
// script names keys of one slot only. A subject's text is escaped inside the tag (`%` → `%25`,
// `}` → `%7D`) so that no subject can end the tag early, and the tag is never empty (`{}` would
// hash the whole key). The prefix may hold neither `{` nor `}`: the tag must be the first one.
import { createRequire } from 'node:module';
import { StoreError } from './store.ts';

/** Redis Cluster's hash slot of a key (CRC16 of its hash tag, modulo 16384): ioredis's own. */
const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

export const SLOTS = 16384;

/** The hash tag of a subject's keys, braces included. */
export function subjectTag(subject: string): string {
  return '{u:' + subject.replace(/%/g, '%25').replace(/}/g, '%7D') + '}';
}

/** The hash tag of a sanction id's index key. */
export function sanctionIdTag(id: string): string {
  return '{i:' + id.replace(/%/g, '%25').replace(/}/g, '%7D') + '}';
}

/** The tag of the version and the main epoch key. */
export const GLOBAL_TAG = '{-}';

/** Refuses a prefix a hash tag could not follow. */
export function checkPrefix(prefix: string, where: string): void {
  if (/[{}]/.test(prefix)) {
    throw new StoreError('hush/store/bad-option', `the key prefix "${prefix}" holds "{" or "}": the Redis store puts a hash tag after the prefix, and a brace in it would change which keys share a slot`, where);
  }
  if (prefix === '') throw new StoreError('hush/store/bad-option', 'the key prefix is empty', where);
}

/** The slot of a key, as Redis Cluster computes it. */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

let tags: string[] | null = null;

/**
 * For each hash slot, a short tag (base-36 digits) that hashes to it; the slot of GLOBAL_TAG gets
 * `-` itself, so that its epoch key is the main one. Computed once per process (about 170,000
 * CRC16s of short strings, some tens of milliseconds).
 */
export function slotEpochTags(): string[] {
  if (tags) return tags;
  const out: (string | undefined)[] = new Array(SLOTS);
  out[calculateSlot('-')] = '-';
  let left = SLOTS - 1;
  for (let n = 0; left > 0; n++) {
    const t = n.toString(36);
    const s = calculateSlot(t);
    if (out[s] === undefined) {
      out[s] = t;
      left--;
    }
  }
  tags = out as string[];
  return tags;
}
