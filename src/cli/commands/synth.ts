import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { isFewbeatError, UsageError } from '../../errors.js';
import { readEcg } from '../../io/wfdb/record.js';
import { CLASS_IDS, isClassId, type ClassId } from '../../synth/classes.js';
import {
  DEFAULT_COHORT_OPTIONS,
  GENERATOR_VERSION,
  type CohortOptions,
  type NoiseSetting,
} from '../../synth/cohort.js';
import { patientsPerClass } from '../../synth/cohort-plan.js';
import { twelveLeadSvg } from '../../synth/ecg-svg.js';
import { ALL_LEADS, PEDIATRIC_15_LEADS, STANDARD_12_LEADS, type LeadName } from '../../synth/lead-projection.js';
import { NOISE_LEVELS } from '../../synth/noise.js';
import { summariseEcg } from '../../synth/realism.js';
import { ValidationCollector, validationReport, type RealSet } from '../../synth/validation-report.js';
import { writeSyntheticCohort } from '../../synth/write-synthetic-cohort.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { emit, parseNumberOption } from '../output.js';

interface SynthFlags {
  out: string;
  patients: string;
  seed: string;
  fs: string;
  duration: string;
  leads: string;
  classes?: string;
  noise: string;
  pictures?: boolean;
  validate?: boolean;
  real?: string;
  json?: boolean;
}

/** `--leads`: 12, 15 (12 + V3R, V4R, V7), 1 (lead II), or a comma-separated list of lead names. */
export function parseLeads(raw: string): LeadName[] {
  if (raw === '12') return [...STANDARD_12_LEADS];
  if (raw === '15') return [...PEDIATRIC_15_LEADS];
  if (raw === '1') return ['II'];
  const leads = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = leads.filter((l) => !(ALL_LEADS as readonly string[]).includes(l));
  if (leads.length === 0 || unknown.length > 0) {
    throw new UsageError(`option --leads: expected 12, 15, 1 or lead names from ${ALL_LEADS.join(',')}, got '${raw}'`);
  }
  if (new Set(leads).size !== leads.length) throw new UsageError(`option --leads: lead listed twice in '${raw}'`);
  return leads as LeadName[];
}

/** `--classes`: comma-separated canonical class ids (data/classes.json). */
export function parseClasses(raw: string): ClassId[] {
  const ids = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  const unknown = ids.filter((c) => !isClassId(c));
  if (ids.length === 0 || unknown.length > 0)
    throw new UsageError(
      `option --classes: unknown class '${unknown[0] ?? raw}', expected ids from ${CLASS_IDS.join(',')}`,
    );
  return ids as ClassId[];
}

/**
 * Summaries of the WFDB records (first 60 s) in each folder of
 * `dirs`, one set per folder; unreadable records are skipped.
 */
function readRealSets(dirs: string): { sets: RealSet[]; skipped: number } {
  let skipped = 0;
  const sets = dirs
    .split(',')
    .filter((d) => d !== '')
    .map((dir) => {
      const names = readdirSync(dir)
        .filter((f) => f.endsWith('.hea'))
        .sort();
      const summaries = names.flatMap((name) => {
        try {
          const ecg = readEcg(join(dir, name.slice(0, -4)));
          const n = Math.min(ecg.signals[0]?.length ?? 0, Math.round(60 * ecg.fs));
          return [summariseEcg({ ...ecg, signals: ecg.signals.map((x) => x.subarray(0, n)) })];
        } catch (e) {
          if (!isFewbeatError(e)) throw e;
          skipped += 1;
          return [];
        }
      });
      return { name: `real: ${basename(dir)}`, summaries };
    });
  return { sets, skipped };
}

function formatAge(years: number): string {
  if (years < 1 / 12) return `${Math.round(years * 365.25)} days`;
  const months = Math.round(years * 12);
  if (years < 2) return `${months} month${months === 1 ? '' : 's'}`;
  return `${Math.floor(years)} years`;
}

/** `fewbeat synth --out DIR [...]`: write the synthetic pediatric cohort (docs/synthetic-cohort.md). */
export function register(program: Command): void {
  const d = DEFAULT_COHORT_OPTIONS;
  program
    .command('synth')
    .description(
      'generate the synthetic pediatric ECG cohort: WFDB records, manifest.csv, clinical-schema.json, COHORT.md',
    )
    .requiredOption('--out <dir>', 'output directory')
    .option('--patients <n>', 'number of children (each has 1-3 recordings)', String(d.patients))
    .option('--seed <n>', 'random seed; same seed and version give byte-identical output', String(d.seed))
    .option('--fs <hz>', 'sampling rate: 250, 500 or 1000', String(d.fs))
    .option('--duration <s>', 'recording length in seconds', String(d.duration))
    .option('--leads <set>', '12, 15 (adds V3R, V4R, V7), 1 (lead II) or a list such as I,II,V1', '12')
    .option('--classes <ids>', 'comma-separated class ids (default: all 19)')
    .option('--noise <level>', `artefact level: ${NOISE_LEVELS.join(', ')} or mixed (per recording)`, d.noise)
    .option('--pictures', 'also write a 12-lead SVG of the first child of each class to DIR/pictures/')
    .option(
      '--validate',
      "also measure every recording with fewbeat's signal layer and write DIR/VALIDATION.md (slower)",
    )
    .option(
      '--real <dirs>',
      'with --validate: folders of real WFDB records to compare summary statistics with (comma-separated)',
    )
    .option('--json', 'print one JSON document')
    .action((flags: SynthFlags) => {
      const fs = parseNumberOption('--fs', flags.fs, { integer: true });
      if (fs !== 250 && fs !== 500 && fs !== 1000)
        throw new UsageError(`option --fs: expected 250, 500 or 1000, got '${flags.fs}'`);
      if (![...NOISE_LEVELS, 'mixed'].includes(flags.noise))
        throw new UsageError(`option --noise: expected ${NOISE_LEVELS.join(', ')} or mixed, got '${flags.noise}'`);
      const options: CohortOptions = {
        patients: parseNumberOption('--patients', flags.patients, { integer: true, min: 1, max: 1_000_000 }),
        seed: parseNumberOption('--seed', flags.seed, { integer: true, min: 0, max: 0xffffffff }),
        fs,
        duration: parseNumberOption('--duration', flags.duration, { min: 2, max: 3600 }),
        leads: parseLeads(flags.leads),
        classes: flags.classes === undefined ? [...CLASS_IDS] : parseClasses(flags.classes),
        noise: flags.noise as NoiseSetting,
      };
      const canPlot = STANDARD_12_LEADS.every((l) => options.leads.includes(l));
      if (flags.pictures && !canPlot)
        throw new UsageError('option --pictures: needs the 12 standard leads (--leads 12 or 15)');
      const expected = [...patientsPerClass(options.patients, options.classes).values()].reduce((a, b) => a + b, 0);
      const bar =
        process.stderr.isTTY && !flags.json
          ? new SingleBar({ format: 'synth [{bar}] {value} recordings', stream: process.stderr })
          : null;
      bar?.start(Math.round(expected * 1.36), 0);
      if (flags.real !== undefined && !flags.validate) throw new UsageError('option --real: needs --validate');
      const collector = flags.validate ? new ValidationCollector() : null;
      const pictured = new Set<ClassId>();
      const started = process.hrtime.bigint();
      const tally = writeSyntheticCohort(flags.out, options, (r, done) => {
        bar?.update(done);
        collector?.add(r);
        if (!flags.pictures || pictured.has(r.classId)) return;
        pictured.add(r.classId);
        const hr = r.truth.hrBpm === null ? '' : ` · HR ${Math.round(r.truth.hrBpm)}/min`;
        writeFileAtomic(
          join(flags.out, 'pictures', `${r.classId}.svg`),
          twelveLeadSvg(
            r.ecg,
            `${r.classId} · ${formatAge(r.ageYears)} · ` +
              `${r.sex === 'F' ? 'girl' : 'boy'}${hr} · ${r.record} (synthetic)`,
          ),
        );
      });
      bar?.stop();
      let skippedReal = 0;
      if (collector) {
        const real = flags.real === undefined ? { sets: [], skipped: 0 } : readRealSets(flags.real);
        skippedReal = real.skipped;
        writeFileAtomic(join(flags.out, 'VALIDATION.md'), validationReport(collector, real.sets));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      emit(
        {
          out: flags.out,
          generator: GENERATOR_VERSION,
          seed: options.seed,
          patients: tally.patientCount,
          recordings: tally.recordings,
          missingness: Number(tally.overallMissingness.toFixed(4)),
          seconds: Number(seconds.toFixed(2)),
          ...(collector ? { validation: join(flags.out, 'VALIDATION.md'), realRecordsSkipped: skippedReal } : {}),
        },
        flags,
        (r) =>
          `wrote ${r.recordings} recordings of ${r.patients} children to ` +
          `${r.out} in ${r.seconds} s (${r.generator}, seed ${r.seed}); see ` +
          `${join(r.out, 'COHORT.md')}`,
      );
    });
}
