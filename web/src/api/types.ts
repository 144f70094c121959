/**
 * The API's types, inferred from the zod schemas that the service validates with (src/serve/api/schemas.ts), so the
 * web app cannot drift from the documented API. Type-only: nothing of zod or the server reaches the bundle.
 */
import type { z } from 'zod';
import type * as s from '../../../src/serve/api/schemas.js';

export type User = z.infer<typeof s.userSchema>;
export type Role = z.infer<typeof s.roleSchema>;
export type SessionInfo = z.infer<typeof s.sessionInfoSchema>;
export type ModelInfo = z.infer<typeof s.modelInfoSchema>;
export type ClinicalContext = z.infer<typeof s.clinicalContextSchema>;
export type CaseSummary = z.infer<typeof s.caseSummarySchema>;
export type Case = z.infer<typeof s.caseSchema>;
export type CaseList = z.infer<typeof s.caseListSchema>;
export type Waveform = z.infer<typeof s.waveformSchema>;
export type Analysis = z.infer<typeof s.analysisSchema>;
export type Measured = Analysis['measurements']['hr'];
export type BankSummary = z.infer<typeof s.bankSummarySchema>;
export type Bank = z.infer<typeof s.bankSchema>;
export type BankList = z.infer<typeof s.bankListSchema>;
export type BankVersions = z.infer<typeof s.bankVersionListSchema>;
export type Prediction = z.infer<typeof s.predictionSchema>;
export type PredictionList = z.infer<typeof s.predictionListSchema>;
export type ReviewBody = z.input<typeof s.reviewBodySchema>;
export type ReviewResult = z.infer<typeof s.reviewResultSchema>;
export type ArchiveInfo = z.infer<typeof s.archiveInfoSchema>;
export type ArchiveSearchBody = z.input<typeof s.archiveSearchBodySchema>;
export type ArchiveSearch = z.infer<typeof s.archiveSearchSchema>;
export type ArchiveHit = z.infer<typeof s.archiveHitSchema>;
export type AuditEntry = z.infer<typeof s.auditEntrySchema>;
export type AuditList = z.infer<typeof s.auditListSchema>;
export type ErrorBody = z.infer<typeof s.errorBodySchema>;
export type ClinicalField = ModelInfo['clinicalSchema']['fields'][number];
