import { describe, expect, it } from 'vitest';
import { readCatalogue } from './diagnostics-catalogue.ts';

describe('readCatalogue', () => {
  it('reads the meaning of the codes in spec/diagnostics.md', () => {
    const meanings = readCatalogue();
    expect(meanings.size).toBeGreaterThan(10);
    expect(meanings.get('hush/io/not-found')).toMatch(/does not exist/);
    for (const [code, meaning] of meanings) {
      expect(code).toMatch(/^hush\/[a-z-]+\/[a-z0-9-]+$/);
      expect(meaning).not.toBe('');
      expect(meaning).not.toContain('`');
    }
  });

  it('gives no meanings, and no error, when the catalogue cannot be read', () => {
    expect(readCatalogue(new URL('file:///no/such/diagnostics.md')).size).toBe(0);
  });
});
