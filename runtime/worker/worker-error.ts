// The one error of the stream worker and the queue (`hush worker`, `hush serve --enqueue`): a
// `hush/worker/*` code, a message, and the address involved (without a password). Thrown only
// for what stops a worker from starting (a bad stream URL, a server that cannot be reached at
// start, a key that is not a stream); once running, a worker retries instead (stream-worker.ts).
export class WorkerError extends Error {
  constructor(
    /** `hush/worker/<name>`. */
    readonly code: string,
    message: string,
    /** The stream's address, `host:port`, or the stream URL without its password. */
    readonly where: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}
