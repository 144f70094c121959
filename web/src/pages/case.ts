import { api, ApiError } from '../api/client';
import type { Analysis, BankSummary, Case, Measured, Prediction, Waveform } from '../api/types';
import { beatMarks, renderMedianBeats } from '../ecg/median-beat';
import { findLead } from '../ecg/layout';
import { renderPage } from '../ecg/render';
import { type Trace, traceFromWaveform } from '../ecg/trace';
import { EcgViewer } from '../ecg/viewer';
import { field, fmt, h, mount, notice } from '../ui/dom';
import { ageOf, caseStatus, childAge } from './case-status';
import { className } from './class-names';
import { openNextCase } from './worklist';

const MEASURES: [keyof Analysis['measurements'], string][] = [
  ['hr', 'Heart rate'],
  ['pr', 'PR interval'],
  ['qrs', 'QRS duration'],
  ['qt', 'QT interval'],
  ['qtcBazett', 'QTc (Bazett)'],
  ['qtcFridericia', 'QTc (Fridericia)'],
];

/** A z-score in words: within about two standard deviations of children of this age reads as "within the norm". */
export function zWords(z: number | null): string {
  if (z === null) return 'no age norm';
  if (z > 2) return 'above the age norm';
  if (z < -2) return 'below the age norm';
  return 'within the age norm';
}

function measurementRow(name: string, m: Measured): HTMLElement {
  const missing = m.value === null;
  return h(
    'tr',
    { className: missing ? 'not-measured' : Math.abs(m.z ?? 0) > 2 ? 'out-of-norm' : '' },
    h('th', { scope: 'row' }, name),
    h('td', {}, missing ? h('strong', {}, 'not measured') : `${fmt(m.value)} ${m.unit}`),
    h('td', {}, missing ? '—' : m.z === null ? '—' : `${m.z >= 0 ? '+' : ''}${m.z.toFixed(1)}`),
    h('td', {}, missing ? (m.reason ?? 'no reason given') : zWords(m.z)),
    h('td', { className: 'muted' }, m.method),
  );
}

function measurementsSection(a: Analysis, age: unknown): HTMLElement {
  const incomplete = !a.complete
    ? notice(
        'error',
        `Incomplete analysis: ${a.incompleteReasons.join('; ') || 'some values could not be measured'}. ` +
          'A value that is not measured is unknown, not normal.',
      )
    : null;
  const lowQuality = a.quality.leads.filter((l) => l.flags.length);
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'meas-h' },
    h('h2', { id: 'meas-h' }, 'Measurements'),
    incomplete,
    h(
      'p',
      {},
      `Age band: ${childAge(age)}. Norms: ${a.norms ?? 'none (age unknown): z-scores and flags cannot be given'}. `,
      `Median beat from ${a.medianBeats.beatsUsed} beats; leads used: ${a.leadsUsed.join(', ') || 'none'}.`,
    ),
    h(
      'table',
      { className: 'measurements' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Measure', 'Value', 'z', 'Reading', 'How'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      h('tbody', {}, ...MEASURES.map(([k, name]) => measurementRow(name, a.measurements[k]))),
    ),
    h('h3', {}, 'Flags'),
    a.flags.length
      ? h('ul', { className: 'flags' }, ...a.flags.map((f) => h('li', {}, f.text)))
      : h('p', {}, a.complete ? 'No measurement outside its age norm.' : 'No flag from the values that were measured.'),
    h('h3', {}, 'Signal quality'),
    h(
      'p',
      { className: a.quality.usable ? '' : 'notice error' },
      `${a.quality.summary} (score ${a.quality.score.toFixed(2)}${a.quality.usable ? '' : ', not usable'}).`,
    ),
    lowQuality.length
      ? h('ul', { className: 'quality' }, ...lowQuality.map((l) => h('li', {}, `${l.lead}: ${l.flags.join(', ')}`)))
      : null,
    h(
      'p',
      { className: 'muted' },
      `RR: ${a.rr.n} intervals, median ${fmt(a.rr.medianMs)} ms, SDNN ` +
        `${fmt(a.rr.sdnnMs)} ms, RMSSD ${fmt(a.rr.rmssdMs)} ms. P-wave repeatability ` +
        `${a.pWaveRepeatability === null ? 'not measured' : a.pWaveRepeatability.toFixed(2)} ` +
        '(1: the same P wave before every QRS; near 0: no atrial wave locked to the QRS, as in atrial fibrillation).',
    ),
  );
}

function medianSection(a: Analysis): HTMLElement {
  const canvas = h('canvas', {
    role: 'img',
    'aria-label': 'Median beat of each lead with P onset, QRS onset, QRS end (J) and T end marked',
  });
  const rr = (a.rr.medianMs ?? 600) / 1000;
  let marks = null;
  let note = '';
  try {
    marks = a.medianBeats.leads.length ? beatMarks(a.medianBeats, rr) : null;
  } catch (e) {
    note = `Boundaries could not be marked: ${(e as Error).message}`;
  }
  if (a.medianBeats.leads.length) renderMedianBeats(canvas, a.medianBeats, marks, { gain: 10, zoom: 1 });
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'median-h' },
    h('h2', { id: 'median-h' }, 'Median beat'),
    a.medianBeats.leads.length
      ? h('div', { className: 'scroll' }, canvas)
      : h('p', {}, 'No median beat: too few beats.'),
    h(
      'p',
      { className: 'hint' },
      '50 mm/s, 10 mm/mV. Dashed lines: P = P onset, Q = QRS onset, J = QRS end, Tend = T end. ',
      marks
        ? Object.entries(marks.reasons)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')
        : note,
    ),
  );
}

/** One lead of a record as its own trace (lead II when the record has it), to compare records row by row. */
function rhythmTrace(t: Trace): Trace {
  const i = Math.max(0, findLead(t.leads, 'II'));
  return { ...t, leads: [t.leads[i] ?? 'lead'], signals: [t.signals[i] ?? new Float64Array()] };
}

function stripCanvas(t: Trace, title: string): HTMLElement {
  const c = h('canvas', { role: 'img', 'aria-label': title });
  renderPage(c, rhythmTrace(t), { layout: '12x1', speed: 25, gain: 10, zoom: 0.8, t0: 0 });
  return h('figure', { className: 'strip' }, h('figcaption', {}, title), c);
}

async function nearestSection(query: Trace, p: Prediction): Promise<HTMLElement> {
  const sec = h(
    'section',
    { className: 'card', 'aria-labelledby': 'near-h' },
    h('h2', { id: 'near-h' }, 'Nearest enrolled examples'),
    h(
      'p',
      { className: 'hint' },
      'Lead II of this ECG and of the closest examples in the bank, on the same grid (25 mm/s, 10 mm/mV).',
    ),
    stripCanvas(query, 'This ECG'),
  );
  for (const ex of p.nearestExamples) {
    try {
      const { trace } = traceFromWaveform(await api.waveform(ex.caseId));
      const link = h('a', { href: `#/case/${encodeURIComponent(ex.caseId)}` }, `case ${ex.caseId}`);
      const fig = stripCanvas(trace, `${className(ex.class)} — distance ${ex.distance.toFixed(3)}`);
      fig.querySelector('figcaption')!.append(' (', link, ')');
      sec.append(fig);
    } catch (e) {
      sec.append(notice('error', `Example ${ex.caseId} could not be drawn: ${(e as Error).message}`));
    }
  }
  return sec;
}

/** A probability drop as signed percentage points: a drop of 0.12 is "−12.0 points", a rise "+3.1 points". */
function signedPoints(drop: number): string {
  return `${drop >= 0 ? '−' : '+'}${Math.abs(100 * drop).toFixed(1)} points`;
}

/** A probability bar; its width is set through the CSSOM so a strict style CSP still allows it. */
function bar(p: number): HTMLElement {
  const el = h('span', { className: 'bar', 'aria-hidden': 'true' });
  el.style.width = `${(p * 60).toFixed(1)}%`;
  return el;
}

function predictionSection(p: Prediction, onOverlay: (on: boolean) => void): HTMLElement {
  const probs = Object.entries(p.probabilities).sort((a, b) => b[1] - a[1]);
  const headline = p.abstained
    ? h('p', { className: 'headline abstain' }, `Not like any enrolled class (nearest: ${className(p.nearestClass)}).`)
    : h(
        'p',
        { className: 'headline' },
        `Most like: ${className(p.predicted)} (${(100 * (p.probabilities[p.predicted] ?? 0)).toFixed(0)} %)`,
      );
  const ex = p.explanation;
  const overlay = h('input', { type: 'checkbox', id: 'pred-overlay', checked: true });
  overlay.addEventListener('change', () => onOverlay(overlay.checked));
  const topLeads = ex ? [...ex.leads].sort((a, b) => b.drop - a.drop).slice(0, 3) : [];
  const topSegs = ex ? [...ex.segments].sort((a, b) => b.drop - a.drop).slice(0, 3) : [];
  return h(
    'section',
    { className: 'card prediction', 'aria-labelledby': 'pred-h' },
    h('h2', { id: 'pred-h' }, 'Prediction'),
    headline,
    h(
      'p',
      { className: 'disclaimer' },
      `This is not a diagnosis. fewbeat compares this ECG with the examples enrolled in the bank “${p.bank.name}” ` +
        `(version ${p.bank.version}); its model was trained on synthetic pediatric ECGs and has not been validated ` +
        'on patients. A clinician reads the ECG and decides.',
    ),
    h(
      'table',
      { className: 'probs' },
      h('caption', {}, 'Calibrated probability of each enrolled class'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Class'),
          h('th', { scope: 'col' }, 'Probability'),
          h('th', { scope: 'col' }, 'Distance'),
        ),
      ),
      h(
        'tbody',
        {},
        ...probs.map(([c, v]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, className(c)),
            h('td', {}, bar(v), ` ${(v * 100).toFixed(1)} %`),
            h('td', {}, fmt(p.distances[c], 3)),
          ),
        ),
      ),
    ),
    h('h3', {}, 'What drove it'),
    ex
      ? h(
          'div',
          {},
          h(
            'p',
            {},
            `Occlusion: each lead, then each second, was flattened and the drop in the probability of ` +
              `${className(ex.target)} (${(100 * ex.baseProbability).toFixed(0)} %) measured. ` +
              `Leads that mattered most: ` +
              `${topLeads.map((l) => `${l.lead} (${signedPoints(l.drop)})`).join(', ') || 'none'}. ` +
              `Seconds: ` +
              `${
                topSegs
                  .map((s) => `${s.startS.toFixed(0)}–${s.endS.toFixed(0)} s (${signedPoints(s.drop)})`)
                  .join(', ') || 'none'
              }.`,
          ),
          h(
            'span',
            { className: 'check' },
            overlay,
            h('label', { for: 'pred-overlay' }, 'Shade them on the ECG (orange: leads tinted, seconds barred)'),
          ),
        )
      : h('p', {}, 'No explanation was computed for this prediction.'),
    h('h3', {}, 'Clinical context'),
    h(
      'p',
      {},
      p.clinicalUsed.used
        ? `Used: ${p.clinicalUsed.fields.join(', ') || 'no field was given'}. `
        : `Not used by this bank’s decision (given: ${p.clinicalUsed.fields.join(', ') || 'none'}). `,
      p.clinicalUsed.note,
    ),
    h(
      'p',
      { className: 'muted' },
      `Prediction ${p.id} by ${p.user.username}, ${ageOf(p.createdAt)}; ` +
        `model ${p.modelVersion.slice(0, 12)}; quality: ${p.quality.summary}.`,
    ),
  );
}

function reviewSection(p: Prediction, banks: BankSummary[], onDone: () => void): HTMLElement {
  if (p.review) {
    const r = p.review;
    return h(
      'section',
      { className: 'card', 'aria-labelledby': 'rev-h' },
      h('h2', { id: 'rev-h' }, 'Review'),
      h(
        'p',
        {},
        `${r.verdict === 'confirmed' ? 'Confirmed' : 'Corrected'} as ` +
          `${className(r.finalClass)} by ${r.user.username}, ` +
          `${ageOf(r.createdAt)}.`,
      ),
      r.note ? h('blockquote', {}, r.note) : null,
    );
  }
  const verdict = h(
    'select',
    {},
    h('option', { value: 'confirmed' }, 'Confirm the prediction'),
    h('option', { value: 'corrected' }, 'Correct it'),
  );
  const cls = h('input', { type: 'text', list: 'rev-classes', autocomplete: 'off' });
  const classes = new Set<string>(Object.keys(p.probabilities));
  const datalist = h(
    'datalist',
    { id: 'rev-classes' },
    ...[...classes].map((c) => h('option', { value: c }, className(c))),
  );
  const note = h('textarea', { rows: 3 });
  const bank = h(
    'select',
    {},
    h('option', { value: '' }, 'do not add'),
    ...banks.map((b) =>
      h('option', { value: b.id, selected: b.id === p.bank.id ? true : null }, `${b.name} (v${b.version})`),
    ),
  );
  bank.value = '';
  const status = h('div');
  const clsField = field(
    'rev-class',
    'Correct class',
    cls,
    'The class this ECG shows (an enrolled class or a new name).',
  );
  clsField.hidden = true;
  verdict.addEventListener('change', () => (clsField.hidden = verdict.value !== 'corrected'));
  const form = h(
    'form',
    {},
    field('rev-verdict', 'Verdict', verdict),
    clsField,
    datalist,
    field('rev-note', 'Note', note),
    field('rev-bank', 'Also add this case to a bank as an example of the final class', bank),
    h('button', { type: 'submit', className: 'primary' }, 'Save review'),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (verdict.value === 'corrected' && !cls.value.trim()) {
      mount(status, notice('error', 'Name the correct class.'));
      cls.focus();
      return;
    }
    try {
      await api.review(p.id, {
        verdict: verdict.value as 'confirmed' | 'corrected',
        correctedClass: verdict.value === 'corrected' ? cls.value.trim() : undefined,
        note: note.value,
        addToBank: bank.value ? { bankId: bank.value } : undefined,
      });
      onDone();
    } catch (err) {
      mount(status, notice('error', err instanceof ApiError ? err.message : String(err)));
    }
  });
  return h('section', { className: 'card', 'aria-labelledby': 'rev-h' }, h('h2', { id: 'rev-h' }, 'Review'), form);
}

export async function casePage(main: HTMLElement, [id]: string[]): Promise<void> {
  const caseId = id!;
  mount(main, h('h1', {}, `Case ${caseId}`), notice('info', 'Loading…'));
  let c: Case;
  let wf: Waveform;
  try {
    [c, wf] = await Promise.all([api.case(caseId), api.waveform(caseId)]);
  } catch (e) {
    mount(main, h('h1', {}, `Case ${caseId}`), notice('error', (e as Error).message));
    return;
  }
  const analysisP = api.analysis(caseId).then(
    (a) => ({ ok: true as const, a }),
    (e: Error) => ({ ok: false as const, e }),
  );
  const [banks, preds] = await Promise.all([
    api
      .banks()
      .then((b) => b.banks)
      .catch(() => [] as BankSummary[]),
    api
      .predictions(caseId)
      .then((p) => p.predictions)
      .catch(() => [] as Prediction[]),
  ]);
  const { trace, unknownUnits } = traceFromWaveform(wf);
  const viewer = new EcgViewer(trace, { title: `ECG of case ${c.label ?? c.id}` });

  const predHost = h('div');
  const nearHost = h('div');
  const reviewHost = h('div');
  const bankSel = h(
    'select',
    {},
    ...banks.map((b) =>
      h('option', { value: b.id }, `${b.name} (v${b.version}, ${Object.keys(b.classes).length} classes)`),
    ),
  );
  const predStatus = h('div');
  const predictBtn = h(
    'button',
    { type: 'button', className: 'primary', disabled: banks.length ? null : true },
    'Predict',
  );

  const showPrediction = async (p: Prediction | undefined) => {
    if (!p) {
      mount(predHost, h('section', { className: 'card' }, h('h2', {}, 'Prediction'), h('p', {}, 'Not predicted yet.')));
      mount(nearHost);
      mount(reviewHost);
      return;
    }
    viewer.update({ occlusion: p.explanation });
    mount(
      predHost,
      predictionSection(p, (on) => viewer.update({ occlusion: on ? p.explanation : null })),
    );
    mount(
      reviewHost,
      reviewSection(p, banks, () => void casePage(main, [caseId])),
    );
    mount(nearHost, notice('info', 'Drawing the nearest examples…'));
    mount(nearHost, await nearestSection(trace, p));
  };
  predictBtn.addEventListener('click', async () => {
    predictBtn.disabled = true;
    mount(predStatus, notice('info', 'Predicting…'));
    try {
      const p = await api.predict(caseId, bankSel.value);
      mount(predStatus, notice('ok', 'Predicted.'));
      await showPrediction(p);
    } catch (e) {
      mount(predStatus, notice('error', (e as Error).message));
    } finally {
      predictBtn.disabled = false;
    }
  });

  const age = c.clinical['age_years'];
  const sex = c.clinical['sex'];
  const status = caseStatus(c);
  const measHost = h('div', {}, notice('info', 'Measuring…'));
  const medianHost = h('div');
  mount(
    main,
    h(
      'div',
      { className: 'page-head' },
      h('h1', {}, c.label ? `${c.label}` : `Case ${c.id}`),
      h('span', { className: `badge ${status}` }, status),
      h('span', { className: 'spacer' }),
      h(
        'a',
        { href: `/api/cases/${encodeURIComponent(c.id)}/report.html`, target: '_blank', className: 'button' },
        'Printable report',
      ),
      h('button', { type: 'button', onclick: () => window.print() }, 'Print ECG'),
      h('button', { type: 'button', title: 'Key: n', onclick: () => void openNextCase(c.id) }, 'Next unread case (n)'),
    ),
    h(
      'p',
      { className: 'case-meta' },
      `${childAge(age)}, ${sex === 'M' ? 'boy' : sex === 'F' ? 'girl' : 'sex not given'} · `,
      `${c.record.format.toUpperCase()}, ${c.record.leads.length} leads, ` +
        `${c.record.fs} Hz, ${c.record.durationS.toFixed(1)} s · `,
      `uploaded by ${c.uploadedBy.username}, ${ageOf(c.createdAt)} · ` +
        `files: ${c.sourceFiles.map((f) => f.name).join(', ')}`,
      c.patientId ? ` · patient ${c.patientId}` : '',
    ),
    unknownUnits.length
      ? notice('error', `Leads not in a voltage unit, drawn unscaled: ${unknownUnits.join(', ')}`)
      : null,
    c.earlierCases.length
      ? h(
          'nav',
          { 'aria-label': 'Earlier ECGs of this patient', className: 'earlier' },
          'Earlier ECGs of this patient: ',
          ...c.earlierCases.map((e) =>
            h('a', { href: `#/case/${encodeURIComponent(e.id)}` }, `${e.label ?? e.id} (${ageOf(e.createdAt)})`),
          ),
        )
      : null,
    viewer.root,
    h(
      'div',
      { className: 'columns' },
      h('div', {}, measHost, medianHost),
      h(
        'div',
        {},
        h(
          'section',
          { className: 'card no-print', 'aria-labelledby': 'run-h' },
          h('h2', { id: 'run-h' }, 'Run a prediction'),
          banks.length
            ? field('pred-bank', 'Bank (the classes to compare with)', bankSel)
            : h('p', {}, 'No bank yet: ', h('a', { href: '#/banks' }, 'teach classes'), ' first.'),
          predictBtn,
          predStatus,
        ),
        predHost,
        reviewHost,
      ),
    ),
    nearHost,
  );
  void showPrediction(preds[0]);
  const res = await analysisP;
  if (!res.ok) {
    mount(measHost, notice('error', `Not measured: ${res.e.message}`));
    return;
  }
  viewer.update({ rPeaks: res.a.rPeaks.times });
  mount(measHost, measurementsSection(res.a, age));
  mount(medianHost, medianSection(res.a));
}

/** "n" anywhere outside a text field opens the next unread case. */
document.addEventListener('keydown', (e) => {
  if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  const m = /^#\/case\/([^/]+)$/.exec(location.hash);
  if (!m && location.hash !== '' && location.hash !== '#/') return;
  e.preventDefault();
  void openNextCase(m ? decodeURIComponent(m[1]!) : null);
});
