// Writes one benchmark's section of bench/RESULTS.md: replaces the section under `heading` (up to
// the next `## ` heading) or appends it, leaving every other benchmark's section as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeResultsSection(root: string, heading: string, section: string): void {
  const path = join(root, 'bench', 'RESULTS.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n';
  const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = old.search(new RegExp(`^${escaped}[ \\t]*$`, 'm'));
  let text: string;
  if (start === -1) text = old.replace(/\n*$/, '\n\n') + section;
  else {
    const rest = old.slice(start + heading.length);
    const next = rest.search(/^## /m);
    text = old.slice(0, start) + section + (next === -1 ? '' : '\n' + rest.slice(next));
  }
  writeFileSync(path, text.replace(/\n*$/, '\n'));
}
