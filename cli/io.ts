// What a command needs from the outside world, so tests can run commands in-process.
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout is a terminal (colours on). */
  isTTY: boolean;
  cwd: string;
}

export const processIO = (): CliIO => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  cwd: process.cwd(),
});

/** Exit statuses shared by every command (documented in README.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage error: reported on stderr and exits with status 2. */
export class UsageError extends Error {}
