import { describe, expect, it } from 'vitest';
import { DEFAULT_NOVEL_CLASSES, resolveClassSplit } from './class-split.js';

const cohort = ['nsr', 'svt', 'wpw', 'jet', 'vt', 'brugada', 'aflutter', 'avb2_mobitz2', 'chb'];

describe('resolveClassSplit', () => {
  it('holds out the default rare classes and trains on the rest', () => {
    expect(resolveClassSplit(cohort, {})).toEqual({
      base: ['chb', 'nsr', 'svt', 'wpw'],
      novel: [...DEFAULT_NOVEL_CLASSES],
    });
  });

  it('takes the lists it is given, and base classes named by the user are not novel', () => {
    expect(resolveClassSplit(cohort, { base: ['nsr', 'svt', 'vt'] })).toEqual({
      base: ['nsr', 'svt', 'vt'],
      novel: ['jet', 'avb2_mobitz2', 'aflutter', 'brugada'],
    });
    expect(resolveClassSplit(cohort, { novel: ['wpw'] }).base).toContain('jet');
  });

  it('names a class the cohort does not have, or one asked to be both', () => {
    expect(() => resolveClassSplit(cohort, { novel: ['lqts'] })).toThrow('class lqts does not occur in the cohort');
    expect(() => resolveClassSplit(cohort, { base: ['nsr', 'svt'], novel: ['svt'] })).toThrow(
      'class svt is both a base and a novel class',
    );
  });
});
