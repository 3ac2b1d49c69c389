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
export { interpretIr, type InterpretedPolicy, type KeywordHit, type KeywordTrace } from './policy/interpreter.ts';

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
export { decideLine, decideLineAsync, decideLines, errorRecord, MAX_LINE_BYTES, readLines, storeErrorRecord, storeErrorStops, tooLongRecord, type StreamLine } from './engine/jsonl.ts';
export { sanctionsOf, sanctionsOfAsync, type SanctionsQuery } from './engine/sanctions-query.ts';

// State stores: the interface, the in-process ones, and `openStore` for a store specification
// (`memory`, `sqlite:PATH`, `redis://…`; the Redis client is loaded only when asked for).
export { StoreError, type AsyncStore, type SanctionRecord, type Store } from './store/store.ts';
export { MemoryStore } from './store/memory-store.ts';
export { SqliteStore } from './store/sqlite-store.ts';
export { openStore, type OpenedStore, type OpenStoreOptions } from './store/open-store.ts';
