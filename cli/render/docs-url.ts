// Where SARIF rules link to (`helpUri`, `informationUri`): the diagnostics catalogue at a stable
// public address, never a path on the machine that ran Hush (a CI runner's checkout means nothing
// to whoever reads the report). The default is the catalogue as published with this version of
// the package (`https://unpkg.com/hush-policy@VERSION/spec/diagnostics.md`, the npm registry's
// file CDN, which serves a published version's files unchanged for ever); the environment
// variable `HUSH_DOCS_URL` names another (a company's own copy). spec/cli.md documents both.
import { readFileSync } from 'node:fs';
import { UsageError } from '../io.ts';

export const DOCS_URL_ENV = 'HUSH_DOCS_URL';
export const BAD_DOCS_URL = 'hush/cli/bad-docs-url';

function packageId(): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    if (typeof pkg.name === 'string' && typeof pkg.version === 'string') return { name: pkg.name, version: pkg.version };
  } catch {
    // fall through: the package's own name
  }
  return { name: 'hush-policy', version: 'latest' };
}

/** The published catalogue of this version of Hush. */
export function defaultDocsUrl(): string {
  const { name, version } = packageId();
  return `https://unpkg.com/${encodeURIComponent(name)}@${encodeURIComponent(version)}/spec/diagnostics.md`;
}

/**
 * The catalogue's address: `HUSH_DOCS_URL` when set (it must be an absolute http(s) URL; anything
 * else is a usage error with code `hush/cli/bad-docs-url`), else the published one.
 */
export function docsUrl(env: Record<string, string | undefined> = process.env): string {
  const given = env[DOCS_URL_ENV];
  if (given === undefined || given === '') return defaultDocsUrl();
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`${BAD_DOCS_URL}: ${DOCS_URL_ENV} must be an absolute http(s) URL, not \`${given}\``);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${BAD_DOCS_URL}: ${DOCS_URL_ENV} must be an http(s) URL, not \`${given}\``);
  }
  return url.href;
}
