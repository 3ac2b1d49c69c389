// Penalty ladders: they count at least one category, their steps are numbered 1, 2, 3… without
// gaps or repeats, a suspension has a duration, only a sanction that ends can be appealed (the
// seed allows appeals for non-permanent penalties), and no step comes after one that bans the
// member for good (it could never be reached).
import type * as A from '../../language/ast.ts';
import { hasSyntaxErrorIn, type LadderModel } from '../model.ts';
import { at, locOf, type Accept, type Check } from './check.ts';

export const checkLadders: Check = (model, accept) => {
  const countedBy = new Map<string, LadderModel>();
  for (const l of model.ladders) {
    checkLadder(l, hasSyntaxErrorIn(model, l.loc), accept);
    for (const c of l.counts) {
      const prev = countedBy.get(c.name);
      if (prev && prev !== l) {
        accept(at(locOf(l.loc.file, c), 'hush/lint/category-in-two-ladders', 'warning', `category \`${c.name}\` is counted by ladder \`${prev.name}\` too`, {
          related: [{ ...prev.nameLoc, message: 'the other ladder' }],
          help: 'one violation will then climb both ladders',
        }));
      } else if (!prev) countedBy.set(c.name, l);
    }
  }
};

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
  if (l.steps.length === 0 && !l.severe) {
    missing(at(l.nameLoc, 'hush/semantic/ladder-without-steps', 'error', `ladder \`${l.name}\` has no step`, { help: 'add `step 1: …`' }));
  }
  for (const kind of ['severe', 'expire'] as const) {
    const xs = l.decl.body.filter((s) => s.kind === kind);
    for (const s of xs.slice(1)) {
      accept(at(locOf(file, s), 'hush/semantic/duplicate-statement', 'error', `\`${kind}\` is given twice in ladder \`${l.name}\``, {
        related: [{ ...locOf(file, xs[0]), message: 'first given here' }],
      }));
    }
  }
  if (l.expireAfter && l.expireAfter.ms === null) {
    accept(at(locOf(file, l.expireAfter), 'hush/semantic/bad-duration', 'error', 'strikes that expire `forever` never expire', { help: 'remove the line, or give a duration' }));
  }

  // Step numbers: 1, 2, 3… in order.
  const byNumber = new Map<number, A.StepStmt>();
  let expected = 1;
  for (const s of l.steps) {
    const k = s.number.value;
    const prev = byNumber.get(k);
    if (prev) {
      accept(at(locOf(file, s.number), 'hush/semantic/duplicate-step', 'error', `step ${k} is defined twice`, { related: [{ ...locOf(file, prev), message: 'first defined here' }] }));
      continue;
    }
    byNumber.set(k, s);
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
    } else if (s.sanctions.some((x) => x.verb === 'ban' && x.target === 'member' && (!x.duration || x.duration.ms === null))) {
      bannedAt = s;
    }
  }

  for (const s of [...l.steps, ...(l.severe ? [l.severe] : [])]) checkSanctions(file, s, accept);
}

function checkSanctions(file: string, s: A.StepStmt | A.SevereStmt, accept: Accept): void {
  if (s.sanctions.length === 0) {
    accept(at(locOf(file, s), 'hush/semantic/step-without-sanction', 'error', 'this step applies no sanction', { help: 'add `suspend interop for 1h` or `ban member forever`' }));
    return;
  }
  const seen = new Set<string>();
  for (const x of s.sanctions) {
    const key = `${x.verb}:${x.target}`;
    if (seen.has(key)) accept(at(locOf(file, x), 'hush/lint/duplicate-action', 'warning', `\`${x.verb} ${x.target}\` is given twice in this step`));
    seen.add(key);
  }
  if (s.appealable) {
    const permanent = s.sanctions.filter((x) => !x.duration || x.duration.ms === null);
    if (permanent.length === s.sanctions.length) {
      accept(at(locOf(file, s.appealable), 'hush/semantic/appealable-forever', 'error', 'a permanent sanction cannot be appealable', {
        help: 'the seed allows appeals only for non-permanent member penalties; give the sanction a duration, or drop `appealable`',
      }));
    }
  }
}
