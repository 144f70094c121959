import { z } from 'zod';

/**
 * `clinical-schema.json`: the description of a cohort's clinical-context columns in
 * `manifest.csv` (see docs/data-formats.md).
 *
 * Cell encodings in manifest.csv (an empty cell is always a missing value):
 * - numeric: a decimal number in `unit`; outside `range` is an error ("impossible value").
 * - boolean: `1`/`0` (also accepted when reading: `true`/`false`, `yes`/`no`).
 * - categorical: one of `categories`.
 * - multi-label: zero or more of `labels`, separated by `;` (an explicit empty set is `none`).
 */
export const numericFieldSchema = z.object({
  name: z.string().min(1),
  type: z.literal('numeric'),
  unit: z.string().min(1),
  /** Plausible range [min, max]; values outside are rejected as impossible. */
  range: z.tuple([z.number(), z.number()]),
  description: z.string().optional(),
});

export const booleanFieldSchema = z.object({
  name: z.string().min(1),
  type: z.literal('boolean'),
  description: z.string().optional(),
});

export const categoricalFieldSchema = z.object({
  name: z.string().min(1),
  type: z.literal('categorical'),
  categories: z.array(z.string().min(1)).min(1),
  description: z.string().optional(),
});

export const multiLabelFieldSchema = z.object({
  name: z.string().min(1),
  type: z.literal('multi-label'),
  labels: z.array(z.string().min(1)).min(1),
  description: z.string().optional(),
});

export const clinicalFieldSchema = z.discriminatedUnion('type', [
  numericFieldSchema,
  booleanFieldSchema,
  categoricalFieldSchema,
  multiLabelFieldSchema,
]);

export const clinicalSchemaSchema = z.object({
  version: z.literal(1),
  /** Fields in the order the clinical encoder sees them. `age_years` and `sex` are always implied. */
  fields: z.array(clinicalFieldSchema),
});

export type NumericField = z.infer<typeof numericFieldSchema>;
export type BooleanField = z.infer<typeof booleanFieldSchema>;
export type CategoricalField = z.infer<typeof categoricalFieldSchema>;
export type MultiLabelField = z.infer<typeof multiLabelFieldSchema>;
export type ClinicalField = z.infer<typeof clinicalFieldSchema>;
export type ClinicalSchema = z.infer<typeof clinicalSchemaSchema>;

/** One clinical value as read from a manifest; `null` is missing. */
export type ClinicalValue = number | boolean | string | string[] | null;

/** A patient's clinical context: field name -> value (missing fields are `null`, never absent). */
export type ClinicalContext = Record<string, ClinicalValue>;
