// `npm run bench`: every benchmark, one after another, each in its own child process so that
// one's memory and JIT state cannot colour the next one's figures. A benchmark that is not
// there (yet) is skipped; the exit status is 1 when any benchmark fails. Words after `--` pick
// benchmarks by file name.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCHES = ['bench/check.bench.ts', 'bench/matcher.bench.ts', 'bench/engine.bench.ts', 'bench/lsp.bench.ts', 'bench/lsp-keystroke.bench.ts', 'bench/store.bench.ts', 'bench/service.bench.ts', 'bench/hostile.bench.ts', 'bench/redis-round-trips.bench.ts', 'bench/worker.bench.ts'];
// `npm run bench -- service store`: only the benchmarks whose file name holds one of the words.
const only = process.argv.slice(2);

let failed = 0;
for (const bench of BENCHES) {
  if (only.length > 0 && !only.some((w) => bench.includes(w))) continue;
  if (!existsSync(join(ROOT, bench))) {
    process.stdout.write(`\n(skipping ${bench}: not there)\n`);
    continue;
  }
  process.stdout.write(`\n# ${bench}\n\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), bench], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`\n${bench} failed (exit ${r.status ?? r.signal})\n`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
