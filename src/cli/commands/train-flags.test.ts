import { describe, expect, it } from 'vitest';
import { runCli as run } from '../../test-utils/run-cli.js';
import { trainConfigFromFlags } from './train.js';

describe('fewbeat train --lead-subsets', () => {
  it('sets the probability of training on a random lead subset, 0 when absent', () => {
    expect(trainConfigFromFlags({ leadSubsets: '0.25' }).leadSubsets).toBe(0.25);
    expect(trainConfigFromFlags({}).leadSubsets).toBe(0);
  });

  it('refuses a probability outside [0, 1] with a usage error before reading anything', async () => {
    const { code, stderr } = await run(['train', '--manifest', 'nowhere', '--out', 'never', '--lead-subsets', '1.5']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--lead-subsets: expected a number in \[0, 1\]/);
  });
});
