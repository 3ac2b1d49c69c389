// Diffs the policy set's own statements: the enterprise, the limits profile, the enterprise and
// personal blacklists (a customer added is stricter: the blacklist stops them in every group, or
// in the owner's groups) and the exempt customers (one added is looser: no rule applies to them).
// Categories and their labels decide nothing.
import type { IrPolicySet } from '../../runtime/ir.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { entryChanges } from './entry-changes.ts';
import { genericFieldChanges } from './generic-fields.ts';
import { diffLists } from './list-diff.ts';
import { diffVariants } from './variant-diff.ts';
import { fileStart, fromLoc, setEntryLoc, setListLoc, type SetListKind, type Side } from './side.ts';
import type { Change } from './types.ts';

/** Fields of the set diffed here or elsewhere (rules, ladders, the quota). */
const KNOWN = ['version', 'enterprise', 'profile', 'enterpriseBlacklist', 'personalBlacklists', 'exempt', 'categories', 'rules', 'ladders', 'contactQuota', 'variants'];

export function diffSet(baseSide: Side, headSide: Side): Change[] {
  const b = baseSide.ir;
  const h = headSide.ir;
  const anchor = fileStart(headSide);
  const changes: Change[] = [];
  if (b.enterprise !== h.enterprise) {
    const at = headSide.model?.enterprise ? fromLoc(headSide.model.enterprise.loc) : anchor;
    changes.push({
      code: DIFF_CODES['enterprise-changed'],
      effect: 'equivalent',
      message: `enterprise: ${b.enterprise === null ? 'none' : q(b.enterprise)} -> ${h.enterprise === null ? 'none' : q(h.enterprise)}`,
      note: 'the name decides nothing; check that base and head are the same policy set',
      base: null,
      head: at,
      anchor: at,
    });
  }
  if (b.profile !== h.profile) {
    changes.push({
      code: DIFF_CODES['profile-changed'],
      effect: 'equivalent',
      message: `limits profile: ${q(b.profile)} -> ${q(h.profile)}`,
      note: 'limits are checked, not enforced on messages; see the limits section',
      base: null,
      head: null,
      anchor,
    });
  }
  const list = (which: SetListKind, container: string, baseValues: readonly string[], headValues: readonly string[], addedIsStricter: boolean) => {
    const d = diffLists(baseValues, headValues);
    const [addedCode, removedCode] =
      which.kind === 'exempt'
        ? [DIFF_CODES['exempt-added'], DIFF_CODES['exempt-removed']]
        : which.kind === 'enterprise-blacklist'
          ? [DIFF_CODES['enterprise-blacklist-added'], DIFF_CODES['enterprise-blacklist-removed']]
          : [DIFF_CODES['personal-blacklist-added'], DIFF_CODES['personal-blacklist-removed']];
    const key = which.kind === 'personal-blacklist' ? `personal-blacklist:${which.owner}` : which.kind;
    changes.push(
      ...entryChanges({
        list: key,
        added: d.added,
        removed: d.removed,
        addedCode,
        removedCode,
        addedEffect: addedIsStricter ? 'stricter' : 'looser',
        removedEffect: addedIsStricter ? 'looser' : 'stricter',
        noun: 'customer',
        nouns: 'customers',
        container,
        headEntry: (v) => setEntryLoc(headSide, which, v),
        baseEntry: (v) => setEntryLoc(baseSide, which, v),
        headList: (v) => setListLoc(headSide, which, v),
        baseList: (v) => setListLoc(baseSide, which, v),
        fallback: anchor,
      }),
    );
  };
  list({ kind: 'enterprise-blacklist' }, 'the enterprise blacklist', b.enterpriseBlacklist, h.enterpriseBlacklist, true);
  const owners = [...new Set([...b.personalBlacklists.map((p) => p.owner), ...h.personalBlacklists.map((p) => p.owner)])].sort();
  for (const owner of owners) {
    const of = (s: IrPolicySet) => s.personalBlacklists.find((p) => p.owner === owner)?.customers ?? [];
    list({ kind: 'personal-blacklist', owner }, `the personal blacklist of ${q(owner)}`, of(b), of(h), true);
  }
  list({ kind: 'exempt' }, 'the exempt customers', b.exempt, h.exempt, false);

  const cb = new Map(b.categories.map((c) => [c.id, c] as const));
  const ch = new Map(h.categories.map((c) => [c.id, c] as const));
  for (const id of [...new Set([...cb.keys(), ...ch.keys()])].sort()) {
    const x = cb.get(id);
    const y = ch.get(id);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const message = !x
      ? `category ${q(id)} declared`
      : !y
        ? `category ${q(id)} no longer declared`
        : `label of category ${q(id)}: ${x.label === null ? 'none' : q(x.label)} -> ${y.label === null ? 'none' : q(y.label)}`;
    const at = (side: Side) => {
      const l = side.model?.categories.get(id)?.loc;
      return l ? fromLoc(l) : null;
    };
    changes.push({
      code: DIFF_CODES['category-changed'],
      effect: 'equivalent',
      message,
      note: 'a category decides nothing by itself; ladders and `record` actions name it',
      base: at(baseSide),
      head: at(headSide),
      anchor: at(headSide) ?? anchor,
    });
  }
  changes.push(...diffVariants(baseSide, headSide, anchor));
  changes.push(...genericFieldChanges('the policy set', b, h, KNOWN, anchor));
  return changes;
}
