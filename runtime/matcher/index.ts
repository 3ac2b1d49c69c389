// The keyword matcher: build once (`buildMatcher`), scan many texts (`createMatcher(data).scan`).
export { buildMatcher, keywordCore, MAX_KEYWORD_LENGTH, type BuildOptions, type KeywordSpec } from './keywords-to-matcher.ts';
export { createMatcher, type Hit, type Matcher, type MatcherOptions, type OnHit } from './matcher.ts';
export type { MatcherData } from './matcher-data.ts';
export { canonicalSteps, normalizeKeyword, normalizeText, type NormalizedText, type NormalizeStep } from './normalize.ts';
