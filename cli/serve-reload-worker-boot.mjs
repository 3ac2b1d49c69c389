// The entry of `hush serve`'s reload worker (serve-reload-worker.ts): a worker thread starts
// without the main thread's loader, so it registers tsx's (as bin/hush.js does) and then loads
// the worker's TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./serve-reload-task.ts');
