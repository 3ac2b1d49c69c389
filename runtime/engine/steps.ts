// Decision logic that runs on a synchronous store and on an asynchronous one alike, written once.
// A computation is a generator that yields the result of each store call (a value, or a promise
// for an `AsyncStore`) and receives it back settled: `const n = (yield store.op(…)) as T`.
// `runSync` drives it on `Store` (memory, SQLite) without a promise in sight; `runAsync` awaits
// each step (Redis). Every store call goes through `yield`, so its result is never used unsettled.
// The one exception is the engine's per-message prelude (blacklists, mute), which every message
// runs: a computation that knows its store is synchronous may take a result directly,
// `sync ? op : yield op`, because suspending and resuming a generator costs more than the
// look-up; on an asynchronous store it still yields.

/** A computation over the store that ends with a `T`. */
export type Steps<T> = Generator<unknown, T, unknown>;

/** Runs a computation on a synchronous store. */
export function runSync<T>(g: Steps<T>): T {
  let r = g.next();
  while (!r.done) r = g.next(r.value);
  return r.value;
}

/** Runs a computation on an asynchronous store, one awaited step at a time. */
export async function runAsync<T>(g: Steps<T>): Promise<T> {
  let r = g.next();
  while (!r.done) {
    let v: unknown;
    try {
      v = await r.value;
    } catch (e) {
      r = g.throw(e);
      continue;
    }
    r = g.next(v);
  }
  return r.value;
}
