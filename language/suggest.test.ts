import { describe, expect, it } from 'vitest';
import { closest, editDistance, NAME_TOLERANCE, YAML_TOLERANCE } from './suggest.ts';

describe('did you mean', () => {
  it('counts a swap of neighbouring letters as one edit only when asked', () => {
    expect(editDistance('muet', 'mute')).toBe(1);
    expect(editDistance('muet', 'mute', false)).toBe(2);
  });

  it('keeps the YAML tolerance: case-insensitive, a third of the suggestion', () => {
    expect(closest('Muet', ['mute', 'warn'], YAML_TOLERANCE)).toBe('mute');
    expect(closest('xyz', ['mute', 'warn'], YAML_TOLERANCE)).toBeUndefined();
  });

  it('keeps the name tolerance: case-sensitive, at least two edits, lengths within three', () => {
    expect(closest('spma', ['spam', 'scam'], NAME_TOLERANCE)).toBe('spam');
    expect(closest('ab', ['abcdef'], NAME_TOLERANCE)).toBeUndefined();
    expect(closest('SPAM', ['spam'], NAME_TOLERANCE)).toBeUndefined();
  });
});
