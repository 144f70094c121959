import { describe, expect, it } from 'vitest';
import { canonicalJson, checkContentHash, contentHash, withContentHash } from './content-hash.js';

describe('self-hashed JSON', () => {
  it('writes canonical JSON with sorted keys, no spaces and no undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: undefined, c: 'x' }], e: null })).toBe(
      '{"a":[2,{"c":"x"}],"b":1,"e":null}',
    );
  });

  it('gives the same hash after a parse and re-serialise with other spacing and key order', () => {
    const value = withContentHash({ version: 3, t: 0.1 + 0.2, nested: { z: [1e-7, -0], a: 'é' } });
    const reread = JSON.parse(JSON.stringify(value, null, 2)) as Record<string, unknown>;
    expect(contentHash(reread)).toBe(value.sha256);
    expect(() => checkContentHash(reread, 'f.json', 'do it again')).not.toThrow();
  });

  it('refuses a changed value and a missing hash in one line naming the file and what to do', () => {
    const value = withContentHash({ threshold: 1.25 });
    expect(() => checkContentHash({ ...value, threshold: 1.35 }, 'f.json', 'do it again')).toThrow(
      'f.json: content does not match its SHA-256: the file was changed or is corrupt; do it again',
    );
    expect(() => checkContentHash({ threshold: 1.25 }, 'f.json', 'do it again')).toThrow(
      'f.json: has no content hash (sha256): do it again',
    );
  });
});
