// The Redis Stream worker and its queue (spec/deploy.md §4), loaded only when asked for
// (`loadWorker()` in runtime/index.ts): `hush worker` and `hush serve --enqueue` are the only
// commands that load it.
export { StreamWorker, EVENT_FIELD, type StreamWorkerOptions, type WorkerEnd, type WorkerLogEvent, type WorkerStats } from './stream-worker.ts';
export { StreamQueue, DEFAULT_QUEUE_MAX, type EnqueueResult } from './stream-queue.ts';
export { streamTarget, redactedUrl, STREAM_FORM, type StreamTarget } from './stream-target.ts';
export { outputEntries, type OutputEntry } from './decided-script.ts';
export { WorkerError } from './worker-error.ts';
