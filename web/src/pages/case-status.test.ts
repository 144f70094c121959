import { describe, expect, it } from 'vitest';
import type { CaseSummary } from '../api/types';
import { ageOf, caseStatus, childAge, moveSelection, nextUnread } from './case-status';

const summary = (id: string, predicted: boolean, reviewed: CaseSummary['reviewed'] = null) =>
  ({
    id,
    reviewed,
    latestPrediction: predicted ? { id: `p${id}`, predicted: 'svt', abstained: false, createdAt: '' } : null,
  }) as CaseSummary;

describe('worklist status and navigation', () => {
  it('calls a case unread until predicted, and by its review once reviewed', () => {
    expect(caseStatus(summary('a', false))).toBe('unread');
    expect(caseStatus(summary('a', true))).toBe('predicted');
    expect(caseStatus(summary('a', true, 'confirmed'))).toBe('confirmed');
    expect(caseStatus(summary('a', true, 'corrected'))).toBe('corrected');
  });

  it('moves with j/k and the arrow keys without leaving the list', () => {
    expect(moveSelection('j', 0, 3)).toBe(1);
    expect(moveSelection('ArrowDown', 2, 3)).toBe(2);
    expect(moveSelection('k', 0, 3)).toBe(0);
    expect(moveSelection('End', 0, 3)).toBe(2);
    expect(moveSelection('x', 1, 3)).toBeNull();
    expect(moveSelection('j', 0, 0)).toBeNull();
  });

  it('opens the next unread case below the current one, wrapping to the top', () => {
    const list = [summary('1', false), summary('2', true), summary('3', false), summary('4', true)];
    expect(nextUnread(list, '1')!.id).toBe('3');
    expect(nextUnread(list, '3')!.id).toBe('1');
    expect(nextUnread(list, null)!.id).toBe('1');
    expect(nextUnread([summary('9', true)], null)).toBeNull();
  });

  it('writes ages of cases and of children in words', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(ageOf('2026-01-10T11:58:00Z', now)).toBe('2 min ago');
    expect(ageOf('2026-01-10T09:00:00Z', now)).toBe('3 h ago');
    expect(ageOf('2025-12-01T09:00:00Z', now)).toBe('2025-12-01');
    expect(childAge(0.25)).toBe('3 mo');
    expect(childAge(12 / 365.25)).toBe('12 d');
    expect(childAge(7.46)).toBe('7.5 y');
    expect(childAge(null)).toBe('age unknown');
  });
});
