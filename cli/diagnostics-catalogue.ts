// Reads the meaning of every diagnostic code from the catalogue, spec/diagnostics.md (its table
// rows: | `code` | severity | meaning |), so that SARIF rules can describe themselves. The
// catalogue is a document first; a missing or changed file only costs the descriptions.
import { readFileSync } from 'node:fs';

export const CATALOGUE_URL = new URL('../spec/diagnostics.md', import.meta.url);

/** The meaning of each code, with Markdown backticks removed. */
export function readCatalogue(url: URL = CATALOGUE_URL): Map<string, string> {
  const meanings = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch {
    return meanings;
  }
  for (const m of text.matchAll(/^\| `(hush\/[^`]+)` \|[^|\n]*\|(.*)\|\s*$/gm)) {
    meanings.set(m[1], m[2].trim().replace(/`/g, ''));
  }
  return meanings;
}
