// The daily contact-add quota (`quota contact-add { … }`): one per policy set, of a known kind,
// with a positive `daily` base, each of `daily`, `minimum`, `maximum` and `timezone` at most
// once, raises and lowerings of at least 1, rate thresholds between 0% and 100%, a minimum no
// larger than the maximum, and a `±HH:MM` time zone that exists on Earth.
import type * as A from '../../language/ast.ts';
import { hasSyntaxErrorIn, type QuotaModel } from '../model/model.ts';
import { at, locOf, type Accept, type Check } from './check.ts';
import { parseUtcOffset } from '../model/utc-offset.ts';
import { closest } from './names.ts';

/** The quotas the language knows. */
export const QUOTA_KINDS = ['contact-add'] as const;

export const checkQuota: Check = (model, accept) => {
  const [first, ...more] = model.quotas;
  for (const q of more) {
    accept(at(q.nameLoc, 'hush/semantic/duplicate-statement', 'error', 'the policy set has more than one quota declaration', {
      related: [{ ...first.loc, message: 'first declared here' }],
      help: 'a policy set has one daily contact-add quota: merge the two',
    }));
  }
  for (const q of model.quotas) checkOne(q, hasSyntaxErrorIn(model, q.loc), accept);
};

function checkOne(q: QuotaModel, incomplete: boolean, accept: Accept): void {
  const file = q.loc.file;
  const body = q.decl.body;
  if (!(QUOTA_KINDS as readonly string[]).includes(q.name)) {
    const near = closest(q.name, [...QUOTA_KINDS]);
    accept(at(q.nameLoc, 'hush/semantic/unknown-quota', 'error', `unknown quota \`${q.name}\``, {
      help: near ? `did you mean \`${near}\`?` : `the quotas are: ${QUOTA_KINDS.map((k) => `\`${k}\``).join(', ')}`,
    }));
  }
  for (const kind of ['daily', 'minimum', 'maximum', 'timezone'] as const) {
    const xs = body.filter((s) => s.kind === kind);
    for (const s of xs.slice(1)) {
      accept(at(locOf(file, s), 'hush/semantic/duplicate-statement', 'error', `\`${kind}\` is given twice in quota \`${q.name}\``, {
        related: [{ ...locOf(file, xs[0]), message: 'first given here' }],
      }));
    }
  }
  const daily = body.find((s): s is A.DailyStmt => s.kind === 'daily');
  if (!daily) {
    // A quota holding a syntax error may just have lost its `daily` line.
    if (!incomplete) {
      accept(at(q.nameLoc, 'hush/semantic/missing-daily', 'error', `quota \`${q.name}\` has no \`daily\` base`, {
        help: 'add `daily 100`: the contacts a member may add in one day before any adjustment',
      }));
    }
  } else if (daily.count.value < 1) {
    accept(at(locOf(file, daily.count), 'hush/semantic/bad-count', 'error', 'the daily quota must be at least 1', {
      help: 'a quota of 0 stops every contact-add; lower it with `lower … when …` instead',
    }));
  }
  for (const s of body) {
    if (s.kind !== 'adjust') continue;
    if (s.amount.value < 1) {
      accept(at(locOf(file, s.amount), 'hush/semantic/bad-count', 'error', `\`${s.direction} ${s.amount.value}\` changes nothing`, { help: 'raise or lower by at least 1' }));
    }
    const c = s.condition;
    if (!('negated' in c) && !(c.threshold.percent <= 100)) {
      accept(at(locOf(file, c.threshold), 'hush/semantic/bad-percentage', 'error', `\`${c.threshold.text}\` is more than 100%`, {
        help: `${c.factor} is a share of the enterprise's customers or capacity, from 0% to 100%`,
      }));
    }
  }
  const min = body.find((s): s is A.BoundStmt => s.kind === 'minimum');
  const max = body.find((s): s is A.BoundStmt => s.kind === 'maximum');
  if (min && max && min.value.value > max.value.value) {
    accept(at(locOf(file, min.value), 'hush/semantic/quota-bounds', 'error', `the minimum ${min.value.value} is above the maximum ${max.value.value}`, {
      related: [{ ...locOf(file, max.value), message: 'the maximum' }],
    }));
  }
  const tz = body.find((s): s is A.TimezoneStmt => s.kind === 'timezone');
  if (tz && parseUtcOffset(tz.offset.value) === undefined) {
    accept(at(locOf(file, tz.offset), 'hush/semantic/bad-timezone', 'error', `\`${tz.offset.value}\` is not a UTC offset`, {
      help: 'write the offset as `+HH:MM` or `-HH:MM`, from -12:00 to +14:00: `"+08:00"` for China',
    }));
  }
}
