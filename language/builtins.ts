// Names the language knows without a declaration: the violation categories of WeCom's three
// penalty rules (stable ids; see spec/language.md), the normalisation steps, and the identities
// a chat platform reports. Kept as data so the checker, the language server's completion and
// hover, and the spec all read one list.

export interface BuiltinCategory {
  id: string;
  /** Which of the seed's penalty rules lists it (1, 2 or 3). */
  penaltyRule: 1 | 2 | 3;
  label: string;
}

export const BUILTIN_CATEGORIES: readonly BuiltinCategory[] = [
  { id: 'harassment', penaltyRule: 1, label: 'sending harassing content (advertising and marketing that causes complaints)' },
  { id: 'inducing-share', penaltyRule: 1, label: 'sending content that induces sharing (rewards, exaggerated or intimidating language)' },
  { id: 'contact-abuse', penaltyRule: 1, label: 'malicious adding of external contacts' },
  { id: 'linked-account', penaltyRule: 2, label: 'a violation of the linked WeChat account' },
  { id: 'plug-in', penaltyRule: 3, label: 'using plug-ins or unauthorised third-party tools' },
  { id: 'malicious-registration', penaltyRule: 3, label: 'malicious registration, batch registration or account trading' },
  { id: 'illegal-account-info', penaltyRule: 3, label: 'illegal or infringing account name, avatar or profile' },
  { id: 'fake-order', penaltyRule: 3, label: 'content guiding fictitious transactions and fake reviews' },
  { id: 'security-threat', penaltyRule: 3, label: 'content endangering security: phishing sites, viruses' },
  { id: 'infringement', penaltyRule: 3, label: 'content infringing intellectual property, privacy or reputation' },
  { id: 'pornography', penaltyRule: 3, label: 'pornographic content' },
  { id: 'violence', penaltyRule: 3, label: 'violent content or weapons' },
  { id: 'gambling', penaltyRule: 3, label: 'gambling content' },
  { id: 'gang-terror', penaltyRule: 3, label: 'gang-related and terrorist content' },
  { id: 'illegal-content', penaltyRule: 3, label: 'illegal trade: invoices, counterfeits, forged documents' },
  { id: 'fraud', penaltyRule: 3, label: 'fraudulent information' },
  { id: 'false-information', penaltyRule: 3, label: 'false information' },
  { id: 'other-illegal', penaltyRule: 3, label: 'other content violating laws and regulations' },
];

export const BUILTIN_CATEGORY_IDS: ReadonlySet<string> = new Set(BUILTIN_CATEGORIES.map((c) => c.id));

/** Text normalisation steps, applied alike to keywords at compile time and to text at run time. */
export const NORMALIZE_STEPS = {
  none: 'no normalisation: match the text exactly',
  case: 'case folding (A matches a)',
  width: 'full-width to half-width and NFKC (Ａ matches A)',
  symbols: 'skip spaces, symbols and invisible or combining characters (U+FE0F, U+0301) inserted between characters (加@微@信 matches 加微信)',
  traditional: 'traditional to simplified Chinese (加微信 matches 加微信 written in traditional characters)',
  confusables: 'look-alike characters (Cyrillic а matches Latin a)',
  variants: 'keywords also match as spammers respell them: homophones, pinyin, initials (加微信 matches 加V信, +vx, jia微信)',
} as const;

export type NormalizeStep = keyof typeof NORMALIZE_STEPS;

/** The normalisation used when a policy names none. */
export const DEFAULT_NORMALIZE: readonly NormalizeStep[] = ['case', 'width', 'symbols'];

/** The limits profile used when a policy set names none. */
export const DEFAULT_LIMITS_PROFILE = 'wecom-4.1.36';
