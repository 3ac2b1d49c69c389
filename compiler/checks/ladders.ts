// Penalty ladders: they count at least one category, their steps are numbered 1, 2, 3… without
// gaps or repeats, a suspension has a duration, only a sanction that ends can be appealed (the
// seed allows appeals for non-permanent penalties), and no step comes after one that bans the
// member for good (it could never be reached). A `while linked blocked` line (penalty rule 2)
// holds sanctions without a duration and says when they end (`restore within`); its 24-hour
// maximum is a documented limit, checked with the other limits.
//
// A `for customers` ladder counts customers' violations (a rule's `record` on a customer's
// message) and applies customer sanctions (`mute`, `remove`, `blacklist personal|enterprise`);
// a member ladder applies member sanctions (`suspend interop`, `ban …`). A sanction of the other
// kind, a member-only line (`members`, `while linked blocked`) in a customer ladder, `appealable`
// on a customer ladder (customers have no appeal: the blacklists and mutes a ladder makes are
// lifted by an admin) and a duration on a blacklist (the blacklists are permanent, like the
// `blacklist` action's) are errors. A `record X` no ladder counts is a lint.
import type * as A from '../../language/ast.ts';
import { hasSyntaxErrorIn, type LadderModel } from '../model/model.ts';
import { at, locOf, type Accept, type Check } from './check.ts';

export const checkLadders: Check = (model, accept) => {
  const countedBy = new Map<string, LadderModel>();
  for (const l of model.ladders) {
    checkLadder(l, hasSyntaxErrorIn(model, l.loc), accept);
    for (const c of l.counts) {
      // A member ladder and a customer ladder counting one category count different subjects.
      const key = `${isCustomerLadder(l) ? 'c' : 'm'}:${c.name}`;
      const prev = countedBy.get(key);
      if (prev && prev !== l) {
        accept(at(locOf(l.loc.file, c), 'hush/lint/category-in-two-ladders', 'warning', `category \`${c.name}\` is counted by ladder \`${prev.name}\` too`, {
          related: [{ ...prev.nameLoc, message: 'the other ladder' }],
          help: 'one violation will then climb both ladders',
        }));
      } else if (!prev) countedBy.set(key, l);
    }
  }
  checkRecordsCounted(model, accept);
};

export function isCustomerLadder(l: LadderModel): boolean {
  return l.for?.subjects === 'customers';
}

/** `record X` where no ladder counts X: the violation it reports climbs nothing. */
function checkRecordsCounted(model: Parameters<Check>[0], accept: Accept): void {
  const counted = new Set(model.ladders.flatMap((l) => l.counts.map((c) => c.name)));
  for (const r of model.rules) {
    for (const w of r.whens) {
      for (const a of w.actions) {
        // An unknown category is an error of its own (names.ts).
        if (a.type !== 'record' || counted.has(a.category.name) || !model.categories.has(a.category.name)) continue;
        accept(at(locOf(r.loc.file, a.category), 'hush/lint/record-not-counted', 'warning', `no ladder counts \`${a.category.name}\`: this \`record\` climbs nothing`, {
          help: `add a ladder with \`for customers\` and \`counts ${a.category.name}\` (a rule's \`record\` reports the customer who sent the message), or remove the \`record\``,
        }));
      }
    }
  }
}

/** A sanction as the language writes it, without its duration: `suspend interop`, `mute`. */
function sanctionWords(x: A.Sanction): string {
  return x.target === 'customer' ? x.verb : `${x.verb} ${x.target}`;
}

const CUSTOMER_VERBS: ReadonlySet<A.Sanction['verb']> = new Set(['mute', 'remove', 'blacklist']);

/** Member sanctions on a customer ladder, customer sanctions on a member ladder; blacklist durations. */
function checkSanctionKinds(l: LadderModel, s: A.StepStmt | A.SevereStmt, accept: Accept): void {
  const file = l.loc.file;
  const customers = isCustomerLadder(l);
  for (const x of s.sanctions) {
    const forCustomers = CUSTOMER_VERBS.has(x.verb);
    if (customers && !forCustomers) {
      accept(at(locOf(file, x), 'hush/semantic/member-sanction-for-customers', 'error', `\`${sanctionWords(x)}\` is a member sanction, and ladder \`${l.name}\` is for customers`, {
        help: 'a customer ladder mutes (`mute for 1h`), removes (`remove`) or blacklists (`blacklist personal`, `blacklist enterprise`) the customer',
      }));
    } else if (!customers && forCustomers) {
      accept(at(locOf(file, x), 'hush/semantic/customer-sanction-for-members', 'error', `\`${sanctionWords(x)}\` is a customer sanction, and ladder \`${l.name}\` counts members' violations`, {
        help: 'add `for customers` to the ladder to count customers\' violations (a rule\'s `record`), or use a member sanction: `suspend interop for 1h`, `ban member`',
      }));
    }
    if (x.verb === 'blacklist' && x.duration && x.duration.ms !== null) {
      accept(at(locOf(file, x.duration), 'hush/semantic/blacklist-duration', 'error', `\`${sanctionWords(x)}\` takes no duration: a blacklist is permanent`, {
        help: `write \`${sanctionWords(x)}\`; to keep a customer out for a while, \`mute for ${x.duration.text}\``,
      }));
    }
  }
  if (customers && s.appealable) {
    accept(at(locOf(file, s.appealable), 'hush/semantic/customer-appealable', 'error', `a customer sanction cannot be appealable (ladder \`${l.name}\` is for customers)`, {
      help: 'appeals are for member accounts (the penalty rules); drop `appealable`',
    }));
  }
}

function checkLadder(l: LadderModel, incomplete: boolean, accept: Accept): void {
  const file = l.loc.file;
  // A ladder holding a syntax error may have lost a step or its counts: skip what would cascade.
  const missing = incomplete ? () => {} : accept;
  if (l.counts.length === 0) {
    missing(at(l.nameLoc, 'hush/semantic/ladder-without-categories', 'error', `ladder \`${l.name}\` counts no category`, {
      help: 'add `counts harassment, …`',
    }));
  }
  const seenCat = new Set<string>();
  for (const c of l.counts) {
    if (seenCat.has(c.name)) accept(at(locOf(file, c), 'hush/lint/duplicate-entry', 'warning', `category \`${c.name}\` is listed twice`));
    seenCat.add(c.name);
  }
  if (l.steps.length === 0 && !l.severe && !l.linked) {
    missing(at(l.nameLoc, 'hush/semantic/ladder-without-steps', 'error', `ladder \`${l.name}\` has no step`, {
      help: 'add `step 1: …`, a `severe:` line or a `while linked blocked:` line',
    }));
  }
  const words = { severe: 'severe', expire: 'expire', members: 'members', linked: 'while linked blocked', for: 'for' } as const;
  for (const kind of ['severe', 'expire', 'members', 'linked', 'for'] as const) {
    const xs = l.decl.body.filter((s) => s.kind === kind);
    for (const s of xs.slice(1)) {
      accept(at(locOf(file, s), 'hush/semantic/duplicate-statement', 'error', `\`${words[kind]}\` is given twice in ladder \`${l.name}\``, {
        related: [{ ...locOf(file, xs[0]), message: 'first given here' }],
        help: kind === 'members' ? 'a ladder has one list of members: merge the lists, or write them in one list file' : undefined,
      }));
    }
  }
  for (const m of l.members) {
    // A list that failed to load is reported already; an empty one silently counts nobody.
    if (!m.failed && m.values.length === 0) {
      accept(at(m.loc, 'hush/lint/empty-members', 'warning', `ladder \`${l.name}\` counts the violations of no member: its \`members\` list is empty`, {
        help: 'add member ids to the list, or remove the `members` line to count every member',
      }));
    }
  }
  if (isCustomerLadder(l)) {
    // `members` names member accounts; `while linked blocked` is a member's linked WeChat account.
    for (const s of l.decl.body) {
      if (s.kind !== 'members' && s.kind !== 'linked') continue;
      accept(at(locOf(file, s), 'hush/semantic/member-statement-for-customers', 'error', `\`${words[s.kind]}\` is about member accounts, and ladder \`${l.name}\` is for customers`, {
        help: s.kind === 'members' ? 'a customer ladder counts every customer: remove the line' : 'a customer has no linked WeChat account the platform reports: move the line to a member ladder',
      }));
    }
  }
  if (l.linked) checkLinked(file, l.linked, accept);
  if (l.expireAfter && l.expireAfter.ms === null) {
    accept(at(locOf(file, l.expireAfter), 'hush/semantic/bad-duration', 'error', 'strikes that expire `forever` never expire', { help: 'remove the line, or give a duration' }));
  }

  // Step numbers: 1, 2, 3… in order. Steps written out of order are said once, at the first
  // one out of place (not once per step: swapping two steps is one mistake); gaps are then
  // judged on the numbers in order.
  const byNumber = new Map<number, A.StepStmt>();
  const unique: A.StepStmt[] = [];
  for (const s of l.steps) {
    const prev = byNumber.get(s.number.value);
    if (prev) {
      accept(at(locOf(file, s.number), 'hush/semantic/duplicate-step', 'error', `step ${s.number.value} is defined twice`, { related: [{ ...locOf(file, prev), message: 'first defined here' }] }));
      continue;
    }
    byNumber.set(s.number.value, s);
    unique.push(s);
  }
  const inOrder = [...unique].sort((a, b) => a.number.value - b.number.value);
  const firstOut = unique.findIndex((s, i) => s !== inOrder[i]);
  if (firstOut >= 0) {
    missing(at(locOf(file, unique[firstOut].number), 'hush/semantic/step-order', 'error', `the steps are out of order: ${unique.map((s) => s.number.value).join(', ')}`, {
      help: 'write the steps in the order of their numbers, step 1 first',
    }));
  }
  let expected = 1;
  for (const s of inOrder) {
    const k = s.number.value;
    if (k !== expected) {
      missing(at(locOf(file, s.number), 'hush/semantic/step-order', 'error', `step ${k} comes where step ${expected} was expected`, {
        help: 'number the steps 1, 2, 3… in order, without gaps',
      }));
    }
    expected = k + 1;
  }

  let bannedAt: A.StepStmt | undefined;
  for (const s of l.steps) {
    if (bannedAt) {
      accept(at(locOf(file, s), 'hush/lint/unreachable-step', 'warning', `step ${s.number.value} can never be reached`, {
        related: [{ ...locOf(file, bannedAt), message: 'the member is banned for good here' }],
        help: 'after a permanent ban of the member there is no further violation to count',
      }));
    } else if (!isCustomerLadder(l) && s.sanctions.some((x) => x.verb === 'ban' && x.target === 'member' && (!x.duration || x.duration.ms === null))) {
      bannedAt = s;
    }
  }

  for (const s of [...l.steps, ...(l.severe ? [l.severe] : [])]) {
    checkSanctions(file, s, accept, isCustomerLadder(l));
    checkSanctionKinds(l, s, accept);
  }
}

/** `while linked blocked: …`: sanctions without durations, and `restore within` an end. */
function checkLinked(file: string, s: A.LinkedStmt, accept: Accept): void {
  if (s.sanctions.length === 0) {
    accept(at(locOf(file, s), 'hush/semantic/linked-without-sanction', 'error', '`while linked blocked` holds no sanction', {
      help: 'add the sanctions held while the linked WeChat account is blocked: `suspend interop`',
    }));
  }
  const seen = new Set<string>();
  for (const x of s.sanctions) {
    const key = `${x.verb}:${x.target}`;
    if (seen.has(key)) accept(at(locOf(file, x), 'hush/lint/duplicate-action', 'warning', `\`${x.verb} ${x.target}\` is given twice in this line`));
    seen.add(key);
    if (x.duration) {
      accept(at(locOf(file, x), 'hush/semantic/linked-duration', 'error', `\`${x.verb} ${x.target}\` takes no duration while the linked account is blocked`, {
        help: `write \`${x.verb} ${x.target}\`: it lasts while the WeChat account is blocked, and \`restore within\` says when it ends after the unblocking`,
      }));
    }
  }
  if (!s.restore) {
    accept(at(locOf(file, s), 'hush/semantic/missing-restore', 'error', '`while linked blocked` does not say when the sanctions end', {
      help: 'add `restore within 24h`: how long after the WeChat account is unblocked the sanctions are lifted',
    }));
  } else if (s.restore.ms === null) {
    accept(at(locOf(file, s.restore), 'hush/semantic/bad-duration', 'error', 'sanctions restored within `forever` are never restored', {
      help: 'the penalty seed restores the account "within 24 hours" after the unblocking: `restore within 24h`',
    }));
  }
}

function checkSanctions(file: string, s: A.StepStmt | A.SevereStmt, accept: Accept, customers: boolean): void {
  if (s.sanctions.length === 0) {
    accept(at(locOf(file, s), 'hush/semantic/step-without-sanction', 'error', 'this step applies no sanction', { help: 'add `suspend interop for 1h` or `ban member forever`' }));
    return;
  }
  const seen = new Set<string>();
  for (const x of s.sanctions) {
    const key = `${x.verb}:${x.target}`;
    if (seen.has(key)) accept(at(locOf(file, x), 'hush/lint/duplicate-action', 'warning', `\`${sanctionWords(x)}\` is given twice in this step`));
    seen.add(key);
  }
  // On a customer ladder `appealable` is an error of its own (checkSanctionKinds).
  if (s.appealable && !customers) {
    const permanent = s.sanctions.filter((x) => !x.duration || x.duration.ms === null);
    if (permanent.length === s.sanctions.length) {
      accept(at(locOf(file, s.appealable), 'hush/semantic/appealable-forever', 'error', 'a permanent sanction cannot be appealable', {
        help: 'the seed allows appeals only for non-permanent member penalties; give the sanction a duration, or drop `appealable`',
      }));
    }
  }
}
