// The JSON Schema of the YAML form of a policy file (draft-07, the draft every YAML editor
// understands). This object is the source; `spec/policy.schema.json` is written from it by its
// test (`vitest -u` regenerates it), so editors get a file and `language/` imports nothing from
// outside itself. It describes the same model as the `.policy` AST (ast.ts) in the shape a YAML
// author expects: one mapping per file, lists where the language has lists.
//
// Besides the standard keywords it uses three that VS Code and Red Hat's YAML extension read:
// `defaultSnippets` (completion of whole blocks), `enumDescriptions` (a line per enum value) and
// `markdownDescription`. yaml-to-ast.ts registers them with ajv as annotations.
import { BUILTIN_CATEGORIES, DEFAULT_LIMITS_PROFILE, NORMALIZE_STEPS } from './builtins.ts';

type Schema = Record<string, unknown>;

const ref = (name: string, extra: Schema = {}): Schema => ({ $ref: `#/definitions/${name}`, ...extra });

/** A mapping with exactly the given properties (and no other). */
const object = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object',
  ...extra,
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
});

/**
 * An item that names something (`of`) and gives its list `from` a list file or inline under
 * `key` (a personal blacklist's customers, a variant line's spellings).
 */
const ofWithList = (meta: Schema, ofMeta: Schema, key: string, listMeta: Schema): Schema => ({
  ...meta,
  anyOf: [
    object({ of: ref('text', ofMeta), from: ref('path') }, ['of', 'from']),
    object({ of: ref('text', ofMeta), [key]: { ...listMeta, type: 'array', minItems: 1, items: ref('text') } }, ['of', key]),
  ],
});

const stepNames = Object.keys(NORMALIZE_STEPS);

export const POLICY_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Hush policy (YAML form)',
  description:
    'One policy file of a Hush policy set, written in YAML. It holds the same declarations as a `.policy` file: the enterprise, the limits profile, the default normalisation, blacklists, exempt customers, custom categories, anti-harassment rules, penalty ladders and the daily contact-add quota. Name the file `*.policy.yaml`.',
  type: 'object',
  additionalProperties: false,
  properties: {
    enterprise: ref('text', {
      title: 'enterprise',
      description: 'The enterprise the policy set belongs to (`enterprise "acme-retail"`).',
      examples: ['acme-retail'],
    }),
    limits: ref('text', {
      title: 'limits profile',
      description: `The platform limits profile to check the policy set against (\`limits "${DEFAULT_LIMITS_PROFILE}"\`). Without one, \`${DEFAULT_LIMITS_PROFILE}\` is used.`,
      examples: [DEFAULT_LIMITS_PROFILE],
    }),
    normalize: ref('normalize', {
      title: 'default normalisation',
      description: 'How message text and keywords are normalised before matching, for every rule that names no normalisation of its own. Default: `[case, width, symbols]`.',
    }),
    blacklist: object(
      {
        enterprise: ref('list', {
          title: 'enterprise blacklist',
          description: 'Customers who cannot speak in any customer group of the enterprise: a list of customer ids, `{from: file}`, or a list mixing both.',
        }),
        personal: {
          title: 'personal blacklists',
          description: "Members' personal blacklists: a blacklisted customer cannot speak in the groups that member owns. One entry per list.",
          type: 'array',
          items: ref('personalBlacklist'),
        },
      },
      [],
      {
        title: 'blacklists',
        description: 'Blacklisted customers cannot speak in the groups; a blacklist is checked before any rule.',
        minProperties: 1,
      },
    ),
    exempt: object(
      {
        customers: ref('list', {
          title: 'exempt customers',
          description: 'Customer ids (or `{from: file}`) that no rule ever affects: the whitelist.',
        }),
      },
      ['customers'],
      { title: 'exemptions', description: 'Customers no anti-harassment rule ever affects (the whitelist).' },
    ),
    categories: {
      title: 'custom categories',
      description: 'Violation categories of your own, besides the built-in ones (harassment, inducing-share, contact-abuse, …), for `record` actions and ladder `counts`.',
      type: 'array',
      items: ref('category'),
    },
    rules: {
      title: 'rules',
      description: 'Anti-harassment rules: one rule is one configuration applied to many customer groups.',
      type: 'array',
      items: ref('rule'),
    },
    ladders: {
      title: 'penalty ladders',
      description: 'Penalty ladders: the sanctions a member gets for the 1st, 2nd, 3rd… reported violation of the categories a ladder counts.',
      type: 'array',
      items: ref('ladder'),
    },
    variants: {
      title: 'variant lines',
      description: 'Your own spellings of words, for the rules whose normalisation has `variants`: merged with the curated table (`微信` also as `薇信`, `vx`). One entry per word and list.',
      type: 'array',
      items: ref('variantLine'),
    },
    quotas: {
      title: 'quotas',
      description: 'The daily quota of external contacts one member may add (`contact-add`): a base, raised or lowered by what the enterprise reports about itself. At most one in a policy set.',
      type: 'array',
      items: ref('quota'),
    },
  },
  definitions: {
    text: {
      title: 'text',
      description: 'A string. A plain number is taken as written (`4.10` stays `4.10`); quote anything else that YAML would read as another type.',
      type: ['string', 'number'],
    },
    name: {
      title: 'name',
      description: 'A bare name: a letter or `_`, then letters, digits, `-` and `_`.',
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_-]*$',
    },
    categoryName: {
      title: 'category',
      description: 'A violation category: a built-in one or one declared under `categories`.',
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_-]*$',
      examples: BUILTIN_CATEGORIES.map((c) => c.id),
    },
    duration: {
      title: 'duration',
      description: 'A whole number and a unit: `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks (`10s`, `30m`, `1h`, `7d`, `2w`), or `forever`.',
      type: 'string',
      pattern: '^(?:[0-9]+[smhdw]|forever)$',
      examples: ['10s', '30m', '1h', '24h', '7d', '2w', 'forever'],
    },
    count: {
      title: 'number',
      description: 'A whole number.',
      type: 'integer',
      minimum: 0,
    },
    path: ref('text', {
      title: 'list file',
      description: 'A list file, relative to this policy file: one entry per line; blank lines and lines starting with `#` are skipped.',
    }),
    fileList: object(
      { from: ref('path') },
      ['from'],
      { title: 'list file', description: 'Entries loaded from a list file: `{from: lists/vip.txt}`.' },
    ),
    listItem: {
      title: 'list entry',
      description: 'An entry, or `{from: file}` for the entries of a list file.',
      anyOf: [ref('text'), ref('fileList')],
    },
    list: {
      title: 'list',
      description: 'A list of entries (`[g-1, g-2]`), a list file (`{from: lists/groups.txt}`), or a list mixing both (`- from: lists/groups.txt` then `- g-3`).',
      anyOf: [ref('fileList'), { type: 'array', minItems: 1, items: ref('listItem') }],
    },
    normalize: {
      title: 'normalisation',
      description: 'Normalisation steps, applied alike to keywords and to message text.',
      type: 'array',
      minItems: 1,
      items: {
        title: 'normalisation step',
        description: 'A normalisation step.',
        type: 'string',
        enum: stepNames,
        enumDescriptions: stepNames.map((s) => NORMALIZE_STEPS[s as keyof typeof NORMALIZE_STEPS]),
      },
    },
    personalBlacklist: ofWithList(
      { title: 'personal blacklist', description: "A member's personal blacklist: `of` the member, and the customers `from` a list file or as a list." },
      { title: 'member', description: 'The member who owns the blacklist.' },
      'customers',
      { title: 'customers', description: 'The blacklisted customer ids.' },
    ),
    variantLine: ofWithList(
      { title: 'variant line', description: 'A word (`of`) and its spellings, as a list or `from` a list file (one spelling per line).' },
      { title: 'word', description: 'The word a keyword may hold (`微信`).' },
      'spellings',
      { title: 'spellings', description: 'The other spellings of the word (`薇信`, `vx`).' },
    ),
    category: object(
      {
        category: ref('name', { title: 'id', description: 'The category id used by `record` and `counts` (`coupon-spam`).' }),
        label: ref('text', { title: 'label', description: 'A human-readable label (`Coupon farming`).' }),
      },
      ['category'],
      { title: 'custom category', description: 'A violation category of your own.' },
    ),
    owner: {
      title: 'owner',
      description:
        'Who created the rule, for the creator quotas: `{super-admin: id}` (all super admins share one quota), `{member: id}` (one quota per member) or `{rule-manager: {of: management-rule, id: person}}` (the owners of one management rule share one quota).',
      anyOf: [
        object({ 'super-admin': ref('text', { title: 'super admin', description: 'The super admin who created the rule.' }) }, ['super-admin']),
        object({ member: ref('text', { title: 'member', description: 'The member who created the rule.' }) }, ['member']),
        object(
          {
            'rule-manager': object(
              {
                of: ref('text', { title: 'management rule', description: 'The management rule whose owners share one quota.' }),
                id: ref('text', { title: 'person', description: 'The owner of the management rule who created the rule (optional).' }),
              },
              ['of'],
              { title: 'rule manager', description: 'An owner of a management rule.' },
            ),
          },
          ['rule-manager'],
        ),
      ],
    },
    owners: {
      title: 'owner',
      description: 'The creator of the rule, or a list of them.',
      anyOf: [ref('owner'), { type: 'array', minItems: 1, items: ref('owner') }],
    },
    wholeWord: object(
      {
        'whole-word': ref('list', {
          title: 'whole-word keywords',
          description: 'Keywords that match only as whole words (for Latin-script words: `spam` does not match `spammer`).',
        }),
      },
      ['whole-word'],
      { title: 'whole-word keywords', description: 'Keywords that match only as whole words: `{whole-word: [spam]}`.' },
    ),
    keywordItem: {
      title: 'keyword',
      description: 'A keyword, `{from: file}`, or `{whole-word: […]}`.',
      anyOf: [ref('text'), ref('fileList'), ref('wholeWord')],
    },
    keywords: {
      title: 'keywords',
      description:
        'The keywords that fire the `keyword` trigger: a list (`[加微信, 代购]`), a list file (`{from: lists/kw.txt}`), whole-word keywords (`{whole-word: [spam]}`), or a list mixing them.',
      anyOf: [ref('fileList'), ref('wholeWord'), { type: 'array', minItems: 1, items: ref('keywordItem') }],
    },
    allow: object(
      {
        links: ref('list', { title: 'link whitelist', description: 'Web links the `link` trigger lets through (`https://shop.acme.cn/*`, `*.acme.cn`).' }),
        miniprograms: ref('list', { title: 'mini-program whitelist', description: 'Mini-program ids the `miniprogram` trigger lets through.' }),
        cards: ref('list', { title: 'contact card whitelist', description: 'Contact cards the `card` trigger lets through.' }),
      },
      [],
      { title: 'whitelists', description: "The rule's whitelists of links, mini-programs and contact cards.", minProperties: 1 },
    ),
    trigger: {
      title: 'trigger',
      description:
        'What fires the rule: `keyword`, `link`, `miniprogram`, `card`, `image`, `{flood: {messages: 5, within: 10s}}`, `{identity: [new-customer]}`, `{new-member: {within: 10m}}` or `{length: {over: 500}}`.',
      anyOf: [
        {
          type: 'string',
          enum: ['keyword', 'link', 'miniprogram', 'card', 'image'],
          enumDescriptions: [
            'the message contains one of the rule\'s keywords',
            'the message has a web link not on the rule\'s `allow: {links}` whitelist',
            'the message has a mini-program not on the rule\'s `allow: {miniprograms}` whitelist',
            'the message has a contact card not on the rule\'s `allow: {cards}` whitelist',
            'the message has an image',
          ],
        },
        object(
          {
            flood: object(
              {
                messages: ref('count', { title: 'messages', description: 'How many messages the sender may send in the window; the next one fires.' }),
                within: ref('duration', { title: 'window', description: 'The window (`10s`).' }),
              },
              ['messages', 'within'],
              { title: 'flood', description: 'Fires on the message that makes the sender\'s messages in the group within the window exceed the number.' },
            ),
          },
          ['flood'],
        ),
        object(
          {
            identity: {
              title: 'identities',
              description: 'Senders with one of these identities may not speak (`new-customer`, `competitor`).',
              anyOf: [ref('text'), { type: 'array', minItems: 1, items: ref('text') }],
            },
          },
          ['identity'],
        ),
        object(
          {
            'new-member': object(
              { within: ref('duration', { title: 'quiet period', description: 'How long after joining a member may not speak (`10m`).' }) },
              ['within'],
              { title: 'new member', description: 'Members who joined less than the duration ago may not speak.' },
            ),
          },
          ['new-member'],
        ),
        object(
          {
            length: object(
              { over: ref('count', { title: 'characters', description: 'The longest message allowed, in characters.' }) },
              ['over'],
              { title: 'length', description: 'Messages longer than this fire the rule.' },
            ),
          },
          ['length'],
        ),
      ],
    },
    action: {
      title: 'action',
      description:
        'What happens: `recall`, `remove`, `{warn: text}`, `{mute: 30m}`, `{blacklist: personal|enterprise|group}`, `{notify: owner|admins}` or `{record: category}`.',
      anyOf: [
        {
          type: 'string',
          enum: ['recall', 'remove'],
          enumDescriptions: ['withdraw the message', 'remove the sender from the group'],
        },
        object({ warn: ref('text', { title: 'warning', description: 'The warning shown in the group.' }) }, ['warn']),
        object({ mute: ref('duration', { title: 'mute', description: 'The sender may not speak in the group for this long.' }) }, ['mute']),
        object(
          {
            blacklist: {
              title: 'blacklist',
              description: 'Add the sender to a blacklist.',
              type: 'string',
              enum: ['personal', 'enterprise', 'group'],
              enumDescriptions: ["the group owner's personal blacklist", 'the enterprise blacklist', "the group's blacklist (remove and keep out)"],
            },
          },
          ['blacklist'],
        ),
        object(
          {
            notify: {
              title: 'notify',
              description: 'Tell someone.',
              type: 'string',
              enum: ['owner', 'admins'],
              enumDescriptions: ['the group owner', 'the enterprise admins'],
            },
          },
          ['notify'],
        ),
        object({ record: ref('categoryName', { title: 'record', description: 'Report a violation of this category to the penalty ladders.' }) }, ['record']),
      ],
    },
    actions: {
      title: 'actions',
      description: 'An action or a list of actions.',
      anyOf: [ref('action'), { type: 'array', minItems: 1, items: ref('action') }],
    },
    when: object(
      {
        trigger: ref('trigger'),
        then: ref('actions', { title: 'then', description: 'The actions taken when the trigger fires.' }),
      },
      ['trigger', 'then'],
      {
        title: 'when',
        description: 'A trigger and the actions it takes: `{trigger: keyword, then: [recall, {warn: 请勿发送广告}]}`.',
        defaultSnippets: [{ label: 'when keyword', body: { trigger: 'keyword', then: ['recall', { warn: '$1' }] } }],
      },
    ),
    rule: object(
      {
        rule: ref('text', { title: 'rule name', description: 'The name of the rule, unique in the policy set.' }),
        owner: ref('owners'),
        groups: ref('list', { title: 'groups', description: 'The customer groups the rule applies to: group ids, `{from: file}`, or both.' }),
        keywords: ref('keywords'),
        except: ref('list', { title: 'exceptions', description: 'Phrases inside which a keyword does not fire (`路口交通` for the keyword `口交`).' }),
        patterns: ref('list', {
          title: 'patterns',
          description: "RE2 patterns that fire the `keyword` trigger like keywords, on the rule's normalised text (`['1[3-9]\\d{9}']`); nothing that could backtrack.",
        }),
        allow: ref('allow'),
        normalize: ref('normalize', { title: 'normalisation', description: "This rule's normalisation, instead of the policy set's." }),
        'configured-on': ref('text', {
          title: 'configured on',
          description: 'The platform version on which the rule was first configured (`"4.1.20"`). A rule configured before 4.1.36 with more than 20,000 groups keeps working.',
        }),
        announce: ref('text', { title: 'announcement', description: 'The group announcement that tells members the rule.' }),
        exempt: object(
          { customers: ref('list', { title: 'exempt customers', description: 'Customer ids (or `{from: file}`) this rule never fires for; other rules still do.' }) },
          ['customers'],
          { title: 'rule exemptions', description: 'Customers exempt from this rule only (the whole-set whitelist is the top-level `exempt`).' },
        ),
        during: {
          title: 'during',
          description: "Time windows of the day in which the rule fires (`[\"22:00-07:00\"]`, crossing midnight when the end is not after the start), in the policy set's time zone; with `during-days`, the rule fires in any of them.",
          type: 'array',
          minItems: 1,
          // The times are checked as in `.policy` text (`hush/syntax/bad-time`), not by a pattern here.
          items: { title: 'time window', description: 'A window `HH:MM-HH:MM`, 24-hour times.', type: 'string', examples: ['22:00-07:00'] },
        },
        'during-days': ref('list', {
          title: 'during days',
          description: 'Dates (`YYYY-MM-DD`, or `{from: file}`) on which the rule fires, in the policy set\'s time zone; with `during`, the rule fires in any of them.',
        }),
        when: {
          title: 'when',
          description: 'The triggers of the rule and their actions.',
          type: 'array',
          items: ref('when'),
        },
      },
      ['rule'],
      {
        title: 'rule',
        description: 'An anti-harassment rule: one configuration applied to many customer groups.',
        defaultSnippets: [
          {
            label: 'rule',
            body: {
              rule: '$1',
              owner: { 'super-admin': '$2' },
              groups: { from: '$3' },
              keywords: ['$4'],
              when: [{ trigger: 'keyword', then: ['recall', { warn: '$5' }] }],
            },
          },
        ],
      },
    ),
    sanction: {
      title: 'sanction',
      description: '`{suspend: interop, for: 1h}` (a suspension needs `for`), `{ban: member}` (a ban without `for` is forever) or `{ban: admin, for: 7d}`; on a `for: customers` ladder `{mute: customer, for: 1h}`, `{remove: customer}` or `{blacklist: personal}`.',
      anyOf: [
        object(
          {
            suspend: { title: 'suspend', description: 'Suspend the interop functions (talking to customers).', type: 'string', enum: ['interop'] },
            for: ref('duration', { title: 'for', description: 'How long: a duration or `forever`.' }),
          },
          ['suspend', 'for'],
        ),
        object(
          {
            ban: {
              title: 'ban',
              description: 'Block an account.',
              type: 'string',
              enum: ['member', 'admin', 'enterprise'],
              enumDescriptions: ["the member's account", "the enterprise administrator's account", "the enterprise's account"],
            },
            for: ref('duration', { title: 'for', description: 'How long; without `for` the ban is forever.' }),
          },
          ['ban'],
        ),
        object(
          {
            mute: { title: 'mute', description: 'Mute the customer in the group of the violation (a `for: customers` ladder).', type: 'string', enum: ['customer'] },
            for: ref('duration', { title: 'for', description: 'How long: a duration or `forever`.' }),
          },
          ['mute', 'for'],
        ),
        object(
          { remove: { title: 'remove', description: 'Remove the customer from the group of the violation (a `for: customers` ladder).', type: 'string', enum: ['customer'] } },
          ['remove'],
        ),
        object(
          {
            blacklist: {
              title: 'blacklist',
              description: 'Add the customer to a blacklist (a `for: customers` ladder); permanent, like the `blacklist` action\'s.',
              type: 'string',
              enum: ['personal', 'enterprise'],
              enumDescriptions: ["the group owner's personal blacklist", "the enterprise's blacklist"],
            },
            for: ref('duration', { title: 'for', description: 'Not allowed (the checker reports it): a blacklist made by a ladder is permanent.' }),
          },
          ['blacklist'],
        ),
      ],
    },
    sanctions: {
      title: 'sanctions',
      description: 'The sanctions applied together.',
      type: 'array',
      items: ref('sanction'),
    },
    appealable: {
      title: 'appealable',
      description: 'Whether an admin can appeal the sanction.',
      type: 'boolean',
    },
    step: object(
      {
        step: ref('count', { title: 'step', description: 'The count of violations this step is for: 1 for the first, 2 for the second…' }),
        sanctions: ref('sanctions'),
        appealable: ref('appealable'),
      },
      ['step', 'sanctions'],
      {
        title: 'step',
        description: 'The sanctions for the Nth violation: `{step: 1, sanctions: [{suspend: interop, for: 1h}], appealable: true}`.',
        defaultSnippets: [{ label: 'step', body: { step: '^$1', sanctions: [{ suspend: 'interop', for: '$2' }] } }],
      },
    ),
    heldSanction: {
      title: 'held sanction',
      description: 'A sanction held while the linked WeChat account is blocked: `{suspend: interop}` or `{ban: member}`. It takes no `for`: it ends when the account is unblocked (and `restore-within` has passed).',
      anyOf: [
        object(
          {
            suspend: { title: 'suspend', description: 'Suspend the interop functions (talking to customers).', type: 'string', enum: ['interop'] },
            for: ref('duration', { title: 'for', description: 'Not allowed here (the checker reports it): the sanction lasts while the linked account is blocked.' }),
          },
          ['suspend'],
        ),
        object(
          {
            ban: {
              title: 'ban',
              description: 'Block an account.',
              type: 'string',
              enum: ['member', 'admin', 'enterprise'],
              enumDescriptions: ["the member's account", "the enterprise administrator's account", "the enterprise's account"],
            },
            for: ref('duration', { title: 'for', description: 'Not allowed here (the checker reports it): the sanction lasts while the linked account is blocked.' }),
          },
          ['ban'],
        ),
      ],
    },
    linked: object(
      {
        sanctions: { title: 'sanctions', description: 'The sanctions held while the linked WeChat account is blocked.', type: 'array', minItems: 1, items: ref('heldSanction') },
        'restore-within': ref('duration', {
          title: 'restore within',
          description: 'How long after the WeChat account is unblocked the sanctions end (required; at most 24h, the seed\'s "automatically unblocked within 24 hours").',
        }),
      },
      [],
      {
        minProperties: 1,
        title: 'while linked blocked',
        description: 'Penalty rule 2: sanctions held while the member\'s linked WeChat account is blocked, restored within a delay after it is unblocked: `{sanctions: [{suspend: interop}], restore-within: 24h}`.',
        defaultSnippets: [{ label: 'while linked blocked', body: { sanctions: [{ suspend: 'interop' }], 'restore-within': '${1:24h}' } }],
      },
    ),
    members: {
      title: 'members',
      description: 'The members whose violations the ladder counts: member ids (`[m-1, m-2]`) or a list file (`{from: lists/sales-team.txt}`). Without it, every member\'s.',
      anyOf: [ref('fileList'), { type: 'array', minItems: 1, items: ref('text') }],
    },
    severe: object(
      { sanctions: ref('sanctions'), appealable: ref('appealable') },
      ['sanctions'],
      { title: 'severe', description: 'The sanctions for a violation with a bad influence, at any count.' },
    ),
    ladder: object(
      {
        ladder: ref('text', { title: 'ladder name', description: 'The name of the ladder, unique in the policy set.' }),
        counts: {
          title: 'counts',
          description: 'The categories whose violations climb this ladder.',
          type: 'array',
          minItems: 1,
          items: ref('categoryName'),
        },
        steps: { title: 'steps', description: 'The steps, one per count of violations.', type: 'array', items: ref('step') },
        severe: ref('severe'),
        'expire-after': ref('duration', { title: 'expire after', description: 'Violations older than this no longer count (`90d`).' }),
        members: ref('members'),
        'while-linked-blocked': ref('linked'),
        for: {
          title: 'for',
          description: 'Whose violations the ladder counts: `members` (the default) or `customers` (the violations a rule\'s `record` reports for a customer\'s message, with customer sanctions).',
          type: 'string',
          enum: ['members', 'customers'],
        },
      },
      ['ladder'],
      {
        title: 'ladder',
        description: 'A penalty ladder.',
        defaultSnippets: [
          {
            label: 'ladder',
            body: { ladder: '$1', counts: ['harassment'], steps: [{ step: 1, sanctions: [{ suspend: 'interop', for: '1h' }], appealable: true }] },
          },
        ],
      },
    ),
    percent: {
      title: 'percentage',
      description: 'A percentage from 0% to 100%, decimals allowed (`80%`, `0.5%`).',
      type: 'string',
      pattern: '^[0-9]+(?:\\.[0-9]+)?%$',
      examples: ['80%', '2%', '0.5%'],
    },
    rateThreshold: {
      title: 'threshold',
      description: '`{over: 80%}` or `{under: 10%}`: the condition holds when the rate is strictly above or below the percentage.',
      anyOf: [
        object({ over: ref('percent', { title: 'over', description: 'Holds when the rate is above this.' }) }, ['over']),
        object({ under: ref('percent', { title: 'under', description: 'Holds when the rate is below this.' }) }, ['under']),
      ],
    },
    quotaCondition: {
      title: 'condition',
      description:
        'When the adjustment applies: `complete`, `not complete`, `compliant`, `not compliant`, or a rate over or under a threshold: `{usage: {over: 80%}}`, `{blocks: {over: 2%}}`, `{deletions: {over: 5%}}`, `{complaints: {over: 1%}}`.',
      anyOf: [
        {
          type: 'string',
          enum: ['complete', 'not complete', 'compliant', 'not compliant'],
          enumDescriptions: [
            "the enterprise's main body information is complete",
            "the enterprise's main body information is not complete",
            'the enterprise complies with the usage rules',
            'the enterprise does not comply with the usage rules',
          ],
        },
        object({ usage: ref('rateThreshold', { title: 'usage', description: "The enterprise's usage rate." }) }, ['usage']),
        object({ blocks: ref('rateThreshold', { title: 'blocks', description: 'The share of WeChat customers who blocked the enterprise\'s members.' }) }, ['blocks']),
        object({ deletions: ref('rateThreshold', { title: 'deletions', description: 'The share of WeChat customers who deleted them.' }) }, ['deletions']),
        object({ complaints: ref('rateThreshold', { title: 'complaints', description: 'The share of WeChat customers who complained.' }) }, ['complaints']),
      ],
    },
    quotaAdjustment: {
      title: 'adjustment',
      description: '`{raise: 100, when: complete}` or `{lower: 30, when: {blocks: {over: 2%}}}`.',
      anyOf: [
        object(
          { raise: ref('count', { title: 'raise', description: 'Contacts a day added to the quota.' }), when: ref('quotaCondition') },
          ['raise', 'when'],
        ),
        object(
          { lower: ref('count', { title: 'lower', description: 'Contacts a day taken from the quota.' }), when: ref('quotaCondition') },
          ['lower', 'when'],
        ),
      ],
    },
    quota: object(
      {
        quota: ref('name', { title: 'quota', description: 'Which quota: `contact-add`, the external contacts one member may add in one day.', examples: ['contact-add'] }),
        daily: ref('count', { title: 'daily', description: 'The base number of contacts a day (required).' }),
        adjust: { title: 'adjustments', description: 'Raises and lowerings of the base, in order; each applies when its condition holds.', type: 'array', items: ref('quotaAdjustment') },
        minimum: ref('count', { title: 'minimum', description: 'The quota never goes below this (default 0).' }),
        maximum: ref('count', { title: 'maximum', description: 'The quota never goes above this (default: no maximum).' }),
        timezone: ref('text', { title: 'timezone', description: 'The UTC offset at which the quota\'s day starts, `±HH:MM` (default `+08:00`).', examples: ['+08:00'] }),
      },
      ['quota'],
      {
        title: 'quota',
        description: 'The daily quota of external contacts one member may add.',
        defaultSnippets: [{ label: 'quota contact-add', body: { quota: 'contact-add', daily: '^${1:100}', adjust: [{ raise: '^${2:100}', when: 'complete' }] } }],
      },
    ),
  },
};

/** The non-standard annotation keywords the schema uses; ajv must be told they exist. */
export const SCHEMA_ANNOTATIONS = ['defaultSnippets', 'enumDescriptions', 'markdownDescription'] as const;
