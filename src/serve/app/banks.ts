import { FewbeatError } from '../../errors.js';
import { bankHead, type PrototypeBank } from '../../fewshot/prototype-bank.js';
import type { z } from 'zod';
import type { bankSchema, bankSummarySchema } from '../api/schemas.js';
import { HttpError, badRequest, conflict, notFound } from '../http/http-error.js';
import type { Actor } from '../store/audit-log.js';
import { BankVersionConflict, type BankRow, type BankVersionRow } from '../store/banks.js';
import { newId, nowIso } from '../store/ids.js';
import { clinicalOf, recordRefOf } from './cases.js';
import type { ServeContext } from './context.js';

export type Bank = z.infer<typeof bankSchema>;
export type BankSummary = z.infer<typeof bankSummarySchema>;
export interface BankExample {
  caseId: string;
  class: string;
}

const CLASS_NAME = /^[A-Za-z0-9][A-Za-z0-9 _+./()-]{0,63}$/;

/** Check an example list: known class names, each case once, at least two classes. */
function checkExamples(examples: readonly BankExample[]): void {
  const seen = new Set<string>();
  for (const e of examples) {
    if (!CLASS_NAME.test(e.class))
      throw badRequest(`class ${JSON.stringify(e.class)}: letters, digits, spaces and _ + . / ( ) - only`);
    if (seen.has(e.caseId)) throw badRequest(`case ${e.caseId} is in the bank twice`);
    seen.add(e.caseId);
  }
  const classes = new Set(examples.map((e) => e.class));
  if (classes.size < 2) throw badRequest(`a bank needs examples of at least two classes, this one has ${classes.size}`);
}

/** Enroll the examples with the model (each case's ECG and clinical context). */
async function enrol(ctx: ServeContext, examples: readonly BankExample[]): Promise<PrototypeBank> {
  checkExamples(examples);
  const rows = await ctx.cases.getMany(examples.map((e) => e.caseId));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = examples.find((e) => !byId.has(e.caseId));
  if (missing) throw badRequest(`case ${missing.caseId} not found`);
  try {
    return await ctx.model.buildBank(
      examples.map((e) => {
        const row = byId.get(e.caseId)!;
        return { caseId: e.caseId, class: e.class, record: recordRefOf(ctx, row), clinical: clinicalOf(row) };
      }),
    );
  } catch (e) {
    if (e instanceof FewbeatError) throw new HttpError(422, 'cannot_enrol', e.message);
    throw e;
  }
}

/**
 * A bank version's abstention rule and probability temperature, read from its few-shot head. The head
 * is fitted on the version's examples once (versions never change) and remembered by bank and version.
 */
function calibrationOf(v: BankVersionRow): Pick<Bank, 'abstention' | 'probabilityTemperature'> {
  const key = `${v.bank_id}@${v.version}`;
  let known = calibrations.get(key);
  if (!known) {
    const head = bankHead(JSON.parse(v.bank_json) as PrototypeBank);
    known = { abstention: head.abstention, probabilityTemperature: head.temperature };
    calibrations.set(key, known);
    if (calibrations.size > 256) calibrations.delete(calibrations.keys().next().value as string);
  }
  return known;
}
const calibrations = new Map<string, Pick<Bank, 'abstention' | 'probabilityTemperature'>>();

export function bankToApi(bank: BankRow, v: BankVersionRow): Bank {
  const examples = JSON.parse(v.examples) as BankExample[];
  const classes: Record<string, number> = {};
  for (const e of examples) classes[e.class] = (classes[e.class] ?? 0) + 1;
  return {
    id: bank.id,
    name: bank.name,
    version: v.version,
    modelVersion: bank.model_version,
    classes,
    createdBy: { id: bank.created_by, username: bank.creator_username },
    createdAt: bank.created_at,
    updatedAt: v.created_at,
    examples,
    change: v.change,
    ...calibrationOf(v),
  };
}

export function bankSummaryOf(bank: BankRow, examples: readonly BankExample[]): BankSummary {
  const classes: Record<string, number> = {};
  for (const e of examples) classes[e.class] = (classes[e.class] ?? 0) + 1;
  return {
    id: bank.id,
    name: bank.name,
    version: bank.current_version,
    modelVersion: bank.model_version,
    classes,
    createdBy: { id: bank.created_by, username: bank.creator_username },
    createdAt: bank.created_at,
    updatedAt: bank.updated_at,
  };
}

export async function createBank(
  ctx: ServeContext,
  name: string,
  examples: readonly BankExample[],
  user: Actor,
): Promise<Bank> {
  const enrolled = await enrol(ctx, examples);
  const now = nowIso();
  const id = newId('bank');
  const classes: Record<string, number> = {};
  for (const e of examples) classes[e.class] = (classes[e.class] ?? 0) + 1;
  await ctx.banks.create(
    {
      id,
      name,
      model_version: ctx.model.info.version,
      current_version: 1,
      created_by: user.id,
      created_at: now,
      updated_at: now,
    },
    {
      bank_id: id,
      version: 1,
      examples: JSON.stringify(examples),
      bank_json: JSON.stringify(enrolled),
      change: `created with ${examples.length} examples`,
      created_by: user.id,
      created_at: now,
    },
    {
      userId: user.id,
      username: user.username,
      action: 'bank_create',
      targetType: 'bank',
      targetId: id,
      ip: user.ip,
      details: { version: 1, classes },
    },
  );
  return bankVersion(ctx, id, 1);
}

export async function bankVersion(ctx: ServeContext, id: string, version?: number): Promise<Bank> {
  const bank = await ctx.banks.get(id);
  if (!bank) throw notFound(`bank ${id}`);
  const v = await ctx.banks.version(id, version ?? bank.current_version);
  if (!v) throw notFound(`version ${version} of bank ${id}`);
  return bankToApi(bank, v);
}

/** Edits of one bank in this process run one after another (see `changeBank`). */
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/**
 * Change a bank's examples and write the result as its next version. Edits of one bank are
 * serialised in this process (a queue per bank), and the version pointer moves by compare-and-set
 * (`BankStore.addVersion`), so that edits from several servers are serialised too: a writer that
 * lost the race re-applies its change to the winner's version. No edit is lost, and every version
 * stays as it was for the predictions that used it.
 */
export function changeBank(
  ctx: ServeContext,
  id: string,
  user: Actor,
  change: { describe: string; apply: (examples: BankExample[]) => BankExample[] },
): Promise<Bank> {
  return serialised(id, async () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const bank = await ctx.banks.get(id);
      if (!bank) throw notFound(`bank ${id}`);
      if (bank.model_version !== ctx.model.info.version)
        throw conflict(`bank ${id} was enrolled with another model version: create a new bank for this model`);
      const current = await ctx.banks.version(id, bank.current_version);
      if (!current) throw notFound(`version ${bank.current_version} of bank ${id}`);
      const examples = change.apply(JSON.parse(current.examples) as BankExample[]);
      const enrolled = await enrol(ctx, examples);
      try {
        await ctx.banks.addVersion(
          {
            bank_id: id,
            version: bank.current_version + 1,
            examples: JSON.stringify(examples),
            bank_json: JSON.stringify(enrolled),
            change: change.describe,
            created_by: user.id,
            created_at: nowIso(),
          },
          bank.current_version,
          {
            userId: user.id,
            username: user.username,
            action: 'bank_change',
            targetType: 'bank',
            targetId: id,
            ip: user.ip,
            details: { version: bank.current_version + 1, change: change.describe },
          },
        );
        return bankVersion(ctx, id, bank.current_version + 1);
      } catch (e) {
        if (!(e instanceof BankVersionConflict)) throw e;
      }
    }
    throw conflict(`bank ${id} is being changed by others too often: try again`);
  });
}

export const addExample = (examples: BankExample[], e: BankExample): BankExample[] => {
  if (examples.some((x) => x.caseId === e.caseId))
    throw conflict(`case ${e.caseId} is already in the bank (relabel it instead)`);
  return [...examples, e];
};

export const removeExample = (examples: BankExample[], caseId: string): BankExample[] => {
  if (!examples.some((x) => x.caseId === caseId)) throw notFound(`case ${caseId} in the bank`);
  return examples.filter((x) => x.caseId !== caseId);
};

export const relabelExample = (examples: BankExample[], caseId: string, cls: string): BankExample[] => {
  if (!examples.some((x) => x.caseId === caseId)) throw notFound(`case ${caseId} in the bank`);
  return examples.map((x) => (x.caseId === caseId ? { ...x, class: cls } : x));
};
