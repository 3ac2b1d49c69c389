// `admitMessage` and `admitJoin` (runtime/store/store.ts) written once over a store's single
// operations, for the stores in this process (memory, SQLite), where a call costs no round trip
// and nothing runs in between. RedisStore does the same in one Lua script
// (runtime/store/redis-scripts.ts), and the conformance suite holds both to these answers.
import type { ActionBlacklist, MessageAdmission, MessageAdmitted, Store } from './store.ts';

type Single = Pick<Store, 'blacklistEntry' | 'mutedUntil' | 'recordMessage' | 'countMessages' | 'joinedAt' | 'recordJoin'>;

export function admitMessageOn(store: Single, q: MessageAdmission): MessageAdmitted {
  let blacklisted = store.blacklistEntry('enterprise', '', q.sender);
  if (!blacklisted && q.owner !== null) blacklisted = store.blacklistEntry('personal', q.owner, q.sender);
  if (!blacklisted) blacklisted = store.blacklistEntry('group', q.group, q.sender);
  if (blacklisted) return { blacklisted, mutedUntil: null, counts: [], joinedAt: null };
  const mutedUntil = store.mutedUntil(q.group, q.sender);
  if ((mutedUntil !== null && q.at < mutedUntil) || q.exempt) return { blacklisted: null, mutedUntil, counts: [], joinedAt: null };
  const counts: number[] = [];
  for (let i = 0; i < q.windows.length; i++) {
    counts.push(i === 0 ? store.recordMessage(q.group, q.sender, q.at, q.windows[i], q.id) : store.countMessages(q.group, q.sender, q.at, q.windows[i]));
  }
  return { blacklisted: null, mutedUntil, counts, joinedAt: store.joinedAt(q.group, q.sender) };
}

export function admitJoinOn(store: Single, group: string, member: string, at: number): ActionBlacklist | null {
  const b = store.blacklistEntry('group', group, member);
  if (b) return b;
  const joined = store.joinedAt(group, member);
  if (joined === null || at > joined) store.recordJoin(group, member, at);
  return null;
}
