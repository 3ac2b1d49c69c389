// The runtime's public embedding API: what a platform engineer imports to decide chat events in
// their own process, and the only door through which cli/ (and any other front end) reaches the
// runtime. Everything here works on the IR (ir.ts) and needs nothing of language/ or compiler/:
// a policy comes from the interpreter (`interpretIr`) or a generated module (`createPolicy`).
//
//   const engine = createEngine(interpretIr(ir), { store: new SqliteStore('state.db') });
//   const decision = engine.decide(event);            // spec/runtime.md: events in, decisions out

// The IR contract, and the fixed order in which the engine merges a message's actions.
export type * from './ir.ts';
export { ACTION_ORDER } from './ir.ts';

// Policies: the contract every implementation meets, and the reference interpreter.
export type { CompiledPolicy, Evidence, Match, MessageInput, MessageOutcome, RuleFiring, StateQueries } from './policy/compiled-policy.ts';
export { interpretIr, keywordRuleOf, keywordTracer, type InterpretedPolicy, type IrKeywordRule, type KeywordHit, type KeywordTrace } from './policy/interpreter.ts';

// The engine: decisions, explanations, the JSONL line format, sanctions in force.
export {
  createAsyncEngine,
  createEngine,
  isEventError,
  mergeActionLists,
  type AsyncEngine,
  type AsyncEngineOptions,
  type Blocked,
  type Decision,
  type DecisionAction,
  type DecisionTrace,
  type Engine,
  type EngineOptions,
  type EventError,
  type Explanation,
  type MergeStep,
} from './engine/engine.ts';
export type { SanctionView } from './engine/ladders.ts';
export { EVENT_TYPES, parseEvent, parseEventLine, parseTime, type ChatEvent, type EventErrorDetail, type EventParse } from './engine/events.ts';
export { decisionJson } from './engine/decision-json.ts';
export { decideLine, decideLineAsync, decideLines, errorRecord, MAX_LINE_BYTES, readLines, storeErrorRecord, storeErrorStops, tooLongRecord, type StreamLine } from './engine/jsonl.ts';
export { sanctionedSubjectsOf, sanctionedSubjectsOfAsync, sanctionsOf, sanctionsOfAsync, type SanctionsQuery, type SubjectSanctions } from './engine/sanctions-query.ts';

// State stores: the interface, the in-process ones, and `openStore` for a store specification
// (`memory`, `sqlite:PATH`, `redis://…`; the Redis client is loaded only when asked for).
export { StoreError, type AsyncStore, type SanctionRecord, type Store } from './store/store.ts';
export { MemoryStore } from './store/memory-store.ts';
export { SqliteStore } from './store/sqlite-store.ts';
export { openStore, type OpenedStore, type OpenStoreOptions } from './store/open-store.ts';

// The Redis Stream worker and its queue (`hush worker`, `hush serve --enqueue`; spec/deploy.md §4),
// loaded only when asked for: it brings the Redis client.
export const loadWorker = () => import('./worker/index.ts');
export type { EnqueueResult, OutputEntry, StreamTarget, StreamWorkerOptions, WorkerEnd, WorkerLogEvent, WorkerStats } from './worker/index.ts';

// WeCom's chat-archive records (会话内容存档) as events: the mapping, its line format and the
// senders and owners lists (spec/wecom.md §1).
export { archiveRecordToEvent, ARCHIVE_MSGTYPES, type ArchiveMapping, type ArchiveProblem, type SkipReason } from './wecom/archive-to-event.ts';
export { archiveDecisionRecord, archiveErrorRecord, archiveSkipRecord, ArchiveTally, decideArchiveLine, decideArchiveLineAsync, readArchiveLine, type RecordPlace } from './wecom/archive-line.ts';
export { kindByIdShape, parseOwnersList, parseSendersList, type ArchiveOptions, type ListParse, type ListProblem, type SenderOverride } from './wecom/archive-senders.ts';

// WeCom's callback protocol (spec/wecom.md §2): its configuration, for `hush serve --wecom-callback`.
export { DEFAULT_TIMESTAMP_WINDOW_SECONDS, parseWecomCallbackConfig, WecomConfigError, type WecomCallbackConfig } from './wecom/callback-config.ts';
export { policyFacts, type PolicyFacts } from './policy/policy-facts.ts';
export { gateShutBecause } from './policy/rule-gate.ts';
export { openMessage, signatureMatches, WECOM_ERRORS, type DecryptRefusal } from './wecom/callback-crypto.ts';
export { callbackKey, RecentCallbacks, type RecentOptions } from './wecom/callback-dedupe.ts';
export { mapCallback, type CallbackMapping } from './wecom/callback-events.ts';
export { readCallbackXml } from './wecom/callback-xml.ts';
