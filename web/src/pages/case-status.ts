import type { CaseSummary } from '../api/types';

/** Where a case stands in the clinician's reading: not yet predicted, predicted, or reviewed (confirmed/corrected). */
export type CaseStatus = 'unread' | 'predicted' | 'confirmed' | 'corrected';
export const CASE_STATUSES: readonly CaseStatus[] = ['unread', 'predicted', 'confirmed', 'corrected'];

export function caseStatus(c: Pick<CaseSummary, 'latestPrediction' | 'reviewed'>): CaseStatus {
  if (c.reviewed) return c.reviewed;
  return c.latestPrediction ? 'predicted' : 'unread';
}

/** "2 min ago", "3 h ago", "5 d ago", else the date (YYYY-MM-DD), from ISO times. */
export function ageOf(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, (now.getTime() - t) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)} d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** A child's age in words: "12 d" under a month, "3 mo" under two years, else "7.5 y"; "age unknown" when missing. */
export function childAge(years: unknown): string {
  if (typeof years !== 'number' || !Number.isFinite(years)) return 'age unknown';
  if (years < 1 / 12) return `${Math.round(years * 365.25)} d`;
  if (years < 2) return `${Math.round(years * 12)} mo`;
  return `${Math.round(years * 10) / 10} y`;
}

/** The index the worklist moves to on a key: j/ArrowDown next, k/ArrowUp previous, clamped; null for other keys. */
export function moveSelection(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  if (key === 'ArrowDown' || key === 'j') return Math.min(count - 1, index + 1);
  if (key === 'ArrowUp' || key === 'k') return Math.max(0, index - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** The next case to read after `currentId`: the first unread case below it, else the first unread one at all. */
export function nextUnread(cases: readonly CaseSummary[], currentId: string | null): CaseSummary | null {
  const start = currentId ? cases.findIndex((c) => c.id === currentId) + 1 : 0;
  const after = cases.slice(start).find((c) => caseStatus(c) === 'unread');
  return after ?? cases.find((c) => caseStatus(c) === 'unread' && c.id !== currentId) ?? null;
}
