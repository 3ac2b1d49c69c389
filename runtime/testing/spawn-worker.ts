// Starts runtime/testing/event-worker.ts in a child process and collects its output lines, for
// the tests that need real processes (a SIGKILL mid-stream, many workers on one Redis).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface Worker {
  child: ChildProcess;
  /** Every whole line printed so far (a last line without its newline is not one). */
  lines: string[];
  /** Resolves when a line satisfies `test` (or rejects when the worker ends first). */
  waitFor(test: (line: string, count: number) => boolean): Promise<void>;
  /** Resolves with the exit code and signal when the worker has ended. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnWorker(args: string[]): Worker {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'runtime', 'testing', 'event-worker.ts'), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const waiters: { test: (line: string, count: number) => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  // Only lines ended by a newline count: a worker killed mid-write leaves a partial one, unprinted.
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].test(line, lines.length)) {
          waiters[i].resolve();
          waiters.splice(i, 1);
        }
      }
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the worker ended (${code ?? signal}) before the awaited line; stderr: ${stderr}`));
      resolve({ code, signal, stderr });
    });
  });
  return {
    child,
    lines,
    done,
    waitFor: (test) =>
      new Promise<void>((resolve, reject) => {
        if (lines.some((l, i) => test(l, i + 1))) resolve();
        else waiters.push({ test, resolve, reject });
      }),
  };
}
