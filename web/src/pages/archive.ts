import { api, ApiError } from '../api/client';
import type { ArchiveHit, ArchiveInfo, ArchiveSearch, BankSummary } from '../api/types';
import { field, fmt, h, mount, notice } from '../ui/dom';
import { className } from './class-names';

const errText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** "z_hr 2.10, rr_irregularity 0.40", the measured values of a hit in the index's order; "—" when none. */
function measuredText(hit: ArchiveHit, names: readonly string[]): string {
  const parts = names.flatMap((n) => {
    const v = hit.measurements[n];
    return v === null || v === undefined ? [] : [`${n} ${fmt(v, 2)}`];
  });
  return parts.length ? parts.join(', ') : '—';
}

function hitRow(hit: ArchiveHit, names: readonly string[]): HTMLElement {
  const child = [hit.ageYears === null ? null : `${fmt(hit.ageYears, 1)} y`, hit.sex].filter(Boolean).join(', ');
  return h(
    'tr',
    {},
    h('td', {}, String(hit.rank)),
    h(
      'td',
      {},
      `${fmt(100 * hit.probability, 1)} %`,
      hit.abstained ? h('span', { className: 'hint' }, ' (unlike every class)') : null,
    ),
    h('td', {}, fmt(hit.distance, 2)),
    h('td', { className: 'record' }, hit.record),
    h('td', {}, hit.window ? `${fmt(hit.window.startS)}–${fmt(hit.window.endS)} s` : 'whole recording'),
    h('td', {}, hit.patientId ?? '—'),
    h('td', {}, child || '—'),
    h('td', {}, hit.labels.length ? hit.labels.map(className).join('; ') : '—'),
    h('td', { className: 'measured' }, measuredText(hit, names)),
  );
}

/** The ranked hits of one search, with the link that downloads them as a cohort manifest. */
function results(found: ArchiveSearch, names: readonly string[]): HTMLElement[] {
  const download = api.archiveCohortUrl({
    bankId: found.bank.id,
    bankVersion: found.bank.version,
    className: found.className,
    top: found.hits.length,
  });
  const excluded = found.enrolledExcluded ? `, ${found.enrolledExcluded} of the bank's own examples left out` : '';
  return [
    notice('ok', `${found.hits.length} hits among ${found.scanned} windows in ${fmt(found.searchMs)} ms${excluded}.`),
    h(
      'p',
      { className: 'actions' },
      h(
        'a',
        { href: download, className: 'button', download: '' },
        `Download the ${found.hits.length} hits as a cohort (manifest.csv)`,
      ),
    ),
    h(
      'div',
      { className: 'scroll' },
      h(
        'table',
        { className: 'archive-hits' },
        h(
          'caption',
          {},
          `Windows most like ${className(found.className)}, by the probability of ${found.bank.name} ` +
            `(version ${found.bank.version})`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'Rank',
              'Probability',
              'Distance',
              'Record',
              'Window',
              'Patient',
              'Child',
              'Labels',
              'Measurements',
            ].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h('tbody', {}, ...found.hits.map((hit) => hitRow(hit, names))),
      ),
    ),
  ];
}

/**
 * Archive search: pick a bank and one of its classes, rank the archive the service was started
 * with (`fewbeat serve --archive`) by the bank's probability of that class, read each hit's
 * measurements and download the hits as a cohort manifest for review.
 */
export async function archivePage(main: HTMLElement): Promise<void> {
  const title = h('h1', {}, 'Archive search');
  let banks: BankSummary[];
  let archive: ArchiveInfo['archive'];
  try {
    [archive, banks] = await Promise.all([api.archive().then((a) => a.archive), api.banks().then((b) => b.banks)]);
  } catch (e) {
    return mount(main, title, notice('error', errText(e)));
  }
  if (!archive)
    return mount(
      main,
      title,
      notice('info', 'No archive is searched by this service: an administrator starts it with --archive INDEX.'),
    );
  if (!banks.length)
    return mount(
      main,
      title,
      notice(
        'info',
        'There is no bank yet: teach one under Banks and classes, then search the archive for its classes.',
      ),
    );
  const names = archive.measurementFeatures;
  const bankSel = h('select', {}, ...banks.map((b) => h('option', { value: b.id }, `${b.name} (v${b.version})`)));
  const classSel = h('select', {});
  const fillClasses = () => {
    const bank = banks.find((b) => b.id === bankSel.value);
    classSel.replaceChildren(
      ...Object.keys(bank?.classes ?? {})
        .sort()
        .map((c) => h('option', { value: c }, className(c))),
    );
  };
  bankSel.addEventListener('change', fillClasses);
  fillClasses();
  const top = h('input', { type: 'number', min: 1, max: 200, step: 1, value: 20, inputmode: 'numeric' });
  const submit = h('button', { type: 'submit', className: 'primary' }, 'Search');
  const status = h('div');
  const found = h('div');
  const form = h(
    'form',
    { className: 'filters', 'aria-label': 'Archive search' },
    field('archive-bank', 'Bank', bankSel),
    field('archive-class', 'Class', classSel),
    field('archive-top', 'Hits', top),
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const bank = banks.find((b) => b.id === bankSel.value);
    if (!bank) return;
    submit.disabled = true;
    found.replaceChildren();
    mount(status, notice('info', `Searching ${archive.windows} windows…`));
    try {
      const res = await api.searchArchive({
        bankId: bank.id,
        bankVersion: bank.version,
        className: classSel.value,
        top: Number(top.value),
      });
      status.replaceChildren();
      mount(found, ...results(res, names));
    } catch (err) {
      mount(status, notice('error', errText(err)));
    } finally {
      submit.disabled = false;
    }
  });
  mount(
    main,
    title,
    h(
      'p',
      { className: 'hint' },
      `The archive holds ${archive.windows} ECG windows of ${archive.records} recordings ` +
        `(${archive.windowSeconds}-s windows). A search ranks them by a bank's calibrated probability ` +
        `of one of its classes; the bank's own examples are left out. Every search and download is audited.`,
    ),
    form,
    status,
    found,
  );
}
