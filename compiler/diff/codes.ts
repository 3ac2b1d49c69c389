// The codes of diff changes: `hush/diff/<what>`, one per kind of change, catalogued in
// spec/diagnostics.md like every other code (SARIF rules and GitHub annotation titles use them).
// Written out in full so that the catalogue test finds each one in the sources.

export const DIFF_CODES = {
  // The policy set's own statements.
  'enterprise-changed': 'hush/diff/enterprise-changed',
  'profile-changed': 'hush/diff/profile-changed',
  'enterprise-blacklist-added': 'hush/diff/enterprise-blacklist-added',
  'enterprise-blacklist-removed': 'hush/diff/enterprise-blacklist-removed',
  'personal-blacklist-added': 'hush/diff/personal-blacklist-added',
  'personal-blacklist-removed': 'hush/diff/personal-blacklist-removed',
  'exempt-added': 'hush/diff/exempt-added',
  'exempt-removed': 'hush/diff/exempt-removed',
  'category-changed': 'hush/diff/category-changed',
  'variant-added': 'hush/diff/variant-added',
  'variant-removed': 'hush/diff/variant-removed',
  // Rules.
  'rule-added': 'hush/diff/rule-added',
  'rule-removed': 'hush/diff/rule-removed',
  'rule-renamed': 'hush/diff/rule-renamed',
  'owner-changed': 'hush/diff/owner-changed',
  'group-added': 'hush/diff/group-added',
  'group-removed': 'hush/diff/group-removed',
  'keyword-added': 'hush/diff/keyword-added',
  'keyword-removed': 'hush/diff/keyword-removed',
  'keyword-changed': 'hush/diff/keyword-changed',
  'pattern-added': 'hush/diff/pattern-added',
  'pattern-removed': 'hush/diff/pattern-removed',
  'exception-added': 'hush/diff/exception-added',
  'exception-removed': 'hush/diff/exception-removed',
  'normalize-changed': 'hush/diff/normalize-changed',
  'allow-link-added': 'hush/diff/allow-link-added',
  'allow-link-removed': 'hush/diff/allow-link-removed',
  'allow-miniprogram-added': 'hush/diff/allow-miniprogram-added',
  'allow-miniprogram-removed': 'hush/diff/allow-miniprogram-removed',
  'allow-card-added': 'hush/diff/allow-card-added',
  'allow-card-removed': 'hush/diff/allow-card-removed',
  'announce-changed': 'hush/diff/announce-changed',
  'rule-exempt-added': 'hush/diff/rule-exempt-added',
  'rule-exempt-removed': 'hush/diff/rule-exempt-removed',
  'window-added': 'hush/diff/window-added',
  'window-removed': 'hush/diff/window-removed',
  'window-changed': 'hush/diff/window-changed',
  'trigger-added': 'hush/diff/trigger-added',
  'trigger-removed': 'hush/diff/trigger-removed',
  'trigger-changed': 'hush/diff/trigger-changed',
  'actions-changed': 'hush/diff/actions-changed',
  // Ladders.
  'ladder-added': 'hush/diff/ladder-added',
  'ladder-removed': 'hush/diff/ladder-removed',
  'ladder-renamed': 'hush/diff/ladder-renamed',
  'ladder-counts-changed': 'hush/diff/ladder-counts-changed',
  'ladder-members-changed': 'hush/diff/ladder-members-changed',
  'ladder-expiry-changed': 'hush/diff/ladder-expiry-changed',
  'ladder-step-changed': 'hush/diff/ladder-step-changed',
  'ladder-severe-changed': 'hush/diff/ladder-severe-changed',
  'ladder-linked-changed': 'hush/diff/ladder-linked-changed',
  // The contact-add quota.
  'quota-added': 'hush/diff/quota-added',
  'quota-removed': 'hush/diff/quota-removed',
  'quota-changed': 'hush/diff/quota-changed',
  // A field of the IR that the diff does not know by name (the IR grew): classed `both`.
  'field-changed': 'hush/diff/field-changed',
} as const;

export type DiffKind = keyof typeof DIFF_CODES;
export type DiffCode = (typeof DIFF_CODES)[DiffKind];
