// What each word of the language means, for hover and completion: a short summary of
// spec/language.md with the section it comes from. A word that means different things in
// different places (`member` as an owner or as a ban target) has an entry per place, keyed
// `place:word`; the plain word is the fallback. Kept as data so completion details and hover
// read one table.

export interface WordDoc {
  /** The form, as the author writes it. */
  syntax: string;
  /** One or two sentences. */
  doc: string;
  /** The section of spec/language.md. */
  see: string;
}

const d = (syntax: string, doc: string, see: string): WordDoc => ({ syntax, doc, see });

export const WORD_DOCS: Record<string, WordDoc> = {
  // Declarations.
  enterprise: d('enterprise "ID"', 'The enterprise the policy set belongs to (its WeCom corp id or a readable name). Every file may repeat it; a different value is an error.', '§4'),
  limits: d('limits "PROFILE"', 'The limits profile the set is checked against. Without it, `wecom-4.1.36` applies: 100 keywords, 1,000 whitelisted links and mini-programs per rule, 20,000 groups per rule, blacklists of 50,000 and 2,000,000 customers, quotas of 1,000 rules.', '§4, §14'),
  normalize: d('normalize STEP, …', 'The text normalisation applied alike to keywords and messages before matching. At the top level it is the set-wide default (at most one); inside a rule it replaces the default for that rule. Default: `case, width, symbols`.', '§10'),
  blacklist: d('blacklist enterprise LIST | blacklist personal of "MEMBER" LIST', 'Customers on a blacklist cannot speak in the groups. The enterprise blacklist (at most 2,000,000) applies in every group; a personal blacklist (at most 50,000) in the groups its member owns.', '§4'),
  exempt: d('exempt customers LIST', 'At the top level, the whitelist: customers no rule ever affects (a customer both exempt and blacklisted is an error). Inside a rule: customers that rule never fires for; the other rules still apply to them.', '§4, §5'),
  customers: d('exempt customers LIST', 'The customers exempted: from every rule at the top level, from this rule inside a rule.', '§4, §5'),
  category: d('category NAME ["LABEL"]', 'Declares a custom violation category for rules to `record` and ladders to `count`, beside the built-in ones.', '§4, §9'),
  rule: d('rule "NAME" { … }', 'An anti-harassment rule: one configuration applied to many customer groups. Its owner, groups, keywords and whitelists, and what happens when a message breaks it. Names are unique across the set.', '§5'),
  ladder: d('ladder "NAME" { … }', 'A penalty ladder: sanctions against a member account that escalate as its violations of the counted categories accumulate.', '§8'),
  variants: d('variants of "WORD" LIST | normalize …, variants', 'As a declaration: the set\'s own spellings of a word (`variants of "微信" "威芯", "vx"`), merged with the curated table for every rule whose normalisation has the `variants` step; several lines for one word add up. As that step: keywords also match in the spellings spammers use for their words.', '§4, §10'),
  quota: d('quota contact-add { … }', 'The daily quota of external contacts one member may add: a base, raised or lowered by what the enterprise reports about itself, kept between a minimum and a maximum. At most one per set.', '§4, §8'),
  // Rule statements.
  owner: d('owner super-admin "ID" | owner member "ID" | owner rule-manager of "RULE" ["ID"]', 'Who created the rule, which decides the creator quota it counts against: all super admins together, one member alone, or all owners of one management rule together (1,000 rules each).', '§5, §14'),
  'super-admin': d('owner super-admin "ID"', 'Created by a super admin: counts against the quota shared by all super admins of the enterprise (1,000 rules).', '§5'),
  'owner:member': d('owner member "ID"', 'Created by a member: counts against that member\'s own quota (1,000 rules).', '§5'),
  'rule-manager': d('owner rule-manager of "RULE" ["ID"]', 'Created by an owner of a management rule: all its owners share one quota (1,000 rules), so the management rule is named; the person is optional.', '§5'),
  groups: d('groups LIST', 'The customer groups the rule applies to, by group id: at most 20,000 distinct groups per rule; more than 2,000 are configured in batches.', '§5'),
  keywords: d('keywords [whole-word] LIST', 'Words that trigger `when keyword`: at most 100 distinct keywords per rule across all its `keywords` statements. A keyword matches anywhere in the normalised text, inside longer words too.', '§5'),
  'whole-word': d('keywords whole-word LIST', 'These keywords match only as whole words (for Latin-script keywords such as "sex" that must not fire inside "Essex").', '§5, §13'),
  except: d('except LIST', 'Exception phrases: a keyword match inside an occurrence of one of them does not fire (路口交通 contains 口交).', '§5'),
  allow: d('allow links | miniprograms | cards LIST', 'The rule\'s whitelists: what may be sent without triggering `when link`, `when miniprogram` or `when card`.', '§5, §11'),
  links: d('allow links LIST', 'The web-link whitelist: at most 1,000 patterns per rule (`acme.cn`, `*.acme.cn`, `https://shop.acme.cn/*`).', '§11'),
  miniprograms: d('allow miniprograms LIST', 'The mini-program whitelist, by AppID (`wx` and 16 hex digits): at most 1,000 per rule.', '§11'),
  cards: d('allow cards LIST', 'The contact cards that may be shared, by the user id of the person whose card it is.', '§11'),
  configured: d('configured on "VERSION"', 'The WeCom version on which the rule was first configured. A rule configured before v4.1.36 with more than 20,000 groups keeps working and stays editable (an information instead of an error).', '§5'),
  during: d('during HH:MM-HH:MM | during days LIST', "The rule fires only on messages sent in the window, read in the policy set's time zone (the quota's `timezone`, else +08:00): a window of the day (`22:00-07:00` crosses midnight), or dates `YYYY-MM-DD` (`during days from \"lists/exam-days.txt\"`). Several `during` lines: any of them.", '§5'),
  days: d('during days LIST', 'Dates `YYYY-MM-DD` (inline or one a line in a list file, `#` comments) on which the rule fires, all day.', '§5, §12'),
  announce: d('announce "TEXT"', 'The group announcement that tells members of the rule\'s groups what the rule is (the education scenario).', '§5'),
  when: d('when TRIGGER then ACTION, … | raise N when CONDITION', 'In a rule: what happens when a customer\'s message triggers the rule, every listed action. In a quota: the condition under which a raise or lowering applies.', '§5, §6, §7, §8'),
  then: d('when TRIGGER then ACTION, …', 'Separates the trigger from the actions.', '§5'),
  // Triggers.
  keyword: d('when keyword', 'The text contains one of the rule\'s keywords, not inside an exception phrase.', '§6'),
  link: d('when link', 'The message carries a web link that is not on the rule\'s link whitelist.', '§6'),
  miniprogram: d('when miniprogram', 'The message is a mini-program that is not on the rule\'s mini-program whitelist.', '§6'),
  card: d('when card', 'The message is a contact card that is not on the rule\'s card whitelist.', '§6'),
  image: d('when image', 'The message is or holds an image.', '§6'),
  flood: d('when flood N in D', 'Fires on the message that makes the sender\'s messages in this group within the last D exceed N (the N+1-th).', '§6, §13'),
  identity: d('when identity "X", …', 'The sender has one of the identities named (labels the platform or integration attaches, such as `new-customer`).', '§6'),
  'new-member': d('when new-member within D', 'The sender joined this group less than D before the message.', '§6'),
  length: d('when length over N', 'The text is longer than N characters.', '§6'),
  // Actions.
  warn: d('warn "TEXT"', 'Show the warning text in the group. Alone, a warning leaves the message allowed.', '§7'),
  recall: d('recall', 'Withdraw the message.', '§7'),
  remove: d('remove', 'Remove the sender from the group.', '§7'),
  mute: d('mute D', 'The sender may not speak in this group for D (never `forever`: use a blacklist).', '§7'),
  'action:blacklist': d('blacklist personal | enterprise | group', 'Add the sender to a blacklist: the group owner\'s personal one, the enterprise one, or this group\'s (remove and keep out).', '§7'),
  notify: d('notify owner | admins', 'Tell the group\'s owner, or the enterprise\'s admins, with the evidence.', '§7'),
  record: d('record CATEGORY', 'Report a violation of that category by the sender to the penalty ladders that count it.', '§7, §8'),
  // Ladder statements and sanctions.
  counts: d('counts CATEGORY, …', 'The categories whose violations climb this ladder: built in or declared. Required.', '§8'),
  step: d('step N: SANCTIONS', 'What the N-th counted violation of a subject brings. Steps are numbered 1, 2, 3… without gaps.', '§8'),
  severe: d('severe: SANCTIONS', 'What a violation with a bad influence (`"severity": "severe"`) brings at once, whatever the count.', '§8'),
  expire: d('expire after D', 'Violations older than D no longer count. Without it, they count for ever.', '§8'),
  members: d('members LIST', 'Whose violations the ladder counts: member ids, or `from "file"`. Without it, every member\'s. At most one per ladder.', '§8'),
  while: d('while linked blocked: SANCTIONS, restore within D', 'Penalty rule 2: the sanctions held while the member\'s linked WeChat account is blocked (no duration), ending D after it is unblocked (at most 24h).', '§8'),
  linked: d('while linked blocked: …', 'The member\'s linked WeChat account.', '§8'),
  blocked: d('while linked blocked: …', 'While the linked WeChat account is blocked.', '§8'),
  restore: d('restore within D', 'How long after the linked WeChat account is unblocked the sanctions end: at most 24 hours (the seed\'s "automatically unblocked within 24 hours").', '§8, §14'),
  // Quota statements and conditions.
  daily: d('daily N', 'The base: contacts one member may add in one day before any adjustment. Required, at least 1.', '§8'),
  raise: d('raise N when CONDITION', 'Add N to the day\'s quota when the condition holds. Adjustments apply in the order written.', '§8'),
  lower: d('lower N when CONDITION', 'Take N from the day\'s quota when the condition holds.', '§8'),
  minimum: d('minimum N', 'The quota never goes below N (default 0).', '§8'),
  maximum: d('maximum N', 'The quota never goes above N (default: no maximum).', '§8'),
  timezone: d('timezone "±HH:MM"', 'The UTC offset at which the quota\'s day starts (default `"+08:00"`, China).', '§8'),
  not: d('not complete | not compliant', 'The opposite of the condition.', '§8'),
  complete: d('complete', 'The enterprise\'s main body information is complete.', '§8'),
  compliant: d('compliant', 'The enterprise complies with the usage rules.', '§8'),
  usage: d('usage over P | usage under P', 'The enterprise\'s usage rate, as a percentage.', '§8'),
  blocks: d('blocks over P | blocks under P', 'The share of the enterprise\'s WeChat customers who blocked its members.', '§8'),
  deletions: d('deletions over P | deletions under P', 'The share of the enterprise\'s WeChat customers who deleted its members.', '§8'),
  complaints: d('complaints over P | complaints under P', 'The share of the enterprise\'s WeChat customers who complained.', '§8'),
  under: d('usage under P', 'Holds when the rate is below P (strictly).', '§8'),
  suspend: d('suspend interop for D | suspend interop forever', 'The member may not use the interoperability (互通) functions with WeChat for D, or for good.', '§8'),
  interop: d('suspend interop …', 'The interoperability functions between WeCom and WeChat.', '§8'),
  ban: d('ban member | admin | enterprise [for D | forever]', 'Block an account: the member\'s, the administrator\'s or the enterprise\'s. Without a duration, forever.', '§8'),
  appealable: d('appealable', 'A flag on the step: its sanctions can be lifted on appeal. Only a sanction that ends can be appealable.', '§8'),
  forever: d('forever', 'No end.', '§2, §8'),
  // Modifiers.
  from: d('from "PATH"', 'Load the list from a file: one entry per line, `#` comments; the path is relative to this policy file and must stay inside the policy set.', '§12'),
  of: d('of "…"', 'Names the member who owns a personal blacklist, the management rule of a rule-manager owner, or the word of a variant line.', '§4, §5, §10'),
  on: d('configured on "VERSION"', 'The WeCom version.', '§5'),
  in: d('flood N in D', 'The window of the flood trigger.', '§6'),
  within: d('new-member within D', 'How recently the sender joined.', '§6'),
  'restore:within': d('restore within D', 'How long after the unblocking the sanctions end (at most 24h).', '§8'),
  over: d('length over N', 'The length threshold, in characters.', '§6'),
  'usage:over': d('usage over P', 'Holds when the usage rate is above P (strictly).', '§8'),
  'blocks:over': d('blocks over P', 'Holds when the share of blocks is above P (strictly).', '§8'),
  'deletions:over': d('deletions over P', 'Holds when the share of deletions is above P (strictly).', '§8'),
  'complaints:over': d('complaints over P', 'Holds when the share of complaints is above P (strictly).', '§8'),
  after: d('expire after D', 'How long violations count.', '§8'),
  for: d('… for D', 'How long the sanction lasts.', '§8'),
  personal: d('blacklist personal', 'A member\'s personal blacklist: it applies in the groups that member owns (at most 50,000 customers).', '§4, §7'),
  group: d('blacklist group', 'Remove the sender and keep them out of this group.', '§7'),
  admins: d('notify admins', 'The enterprise\'s admins.', '§7'),
  'notify:owner': d('notify owner', 'The group\'s owner.', '§7'),
  'blacklist:enterprise': d('blacklist enterprise', 'The enterprise blacklist: it applies in every group (at most 2,000,000 customers).', '§4, §7'),
  'ban:member': d('ban member', 'Block the member account.', '§8'),
  admin: d('ban admin', 'Block the enterprise\'s administrator account too.', '§8'),
  'ban:enterprise': d('ban enterprise', 'Block the enterprise account.', '§8'),
  member: d('member', 'A member of the enterprise (staff), as opposed to a customer.', '§5, §8'),
  // Customer ladders (`for customers`): the words read differently in a ladder's `for` line and steps.
  'for:for': d('for customers | for members', "Whose violations the ladder counts: members' violation events (the default), or the violations rules' `record` reports for customers' messages. A customer ladder's sanctions are `mute`, `remove` and `blacklist`.", '§8'),
  'for:customers': d('for customers', "The ladder counts the violations rules' `record` reports for customers' messages; its sanctions are enforced on the customer's later messages.", '§8'),
  'for:members': d('for members', "The ladder counts members' violation events (the default, said out loud).", '§8'),
  'sanction:mute': d('mute for D | mute forever', "A customer sanction: the customer's messages in the group of the violation are not allowed until the end.", '§8'),
  'sanction:remove': d('remove', 'A customer sanction: the decision removes the customer from the group (a `remove` action).', '§8'),
  'sanction:blacklist': d('blacklist personal | blacklist enterprise', "A customer sanction: the customer goes on the group owner's personal blacklist (the group's when it has no owner) or on the enterprise blacklist, for good.", '§8'),
};

/** The doc of a word in a place (`owner`, `ban`, `notify`, `blacklist`, `action`), if any. */
export function wordDoc(word: string, place?: string): WordDoc | undefined {
  return (place && WORD_DOCS[`${place}:${word}`]) || WORD_DOCS[word];
}

/** Common identities a platform reports (the language does not fix the set). */
export const COMMON_IDENTITIES = ['new-customer', 'other-enterprise-staff', 'unverified'];

/** Durations offered by completion. */
export const COMMON_DURATIONS = ['10s', '30s', '1m', '5m', '10m', '30m', '1h', '12h', '24h', '7d', '30d', '90d'];
