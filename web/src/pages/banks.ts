import { api, ApiError } from '../api/client';
import type { Bank, BankSummary, CaseSummary } from '../api/types';
import { field, h, mount, notice } from '../ui/dom';
import { ageOf } from './case-status';
import { className } from './class-names';
import { predictionText } from './worklist';

const errText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** Predicts recent cases again against the bank's new version and lists what moved. */
async function showMoves(host: HTMLElement, bankId: string, cases: CaseSummary[]): Promise<void> {
  const recent = cases.filter((c) => c.latestPrediction).slice(0, 6);
  if (!recent.length) return;
  mount(host, notice('info', `Predicting ${recent.length} recent cases again with the new version…`));
  const rows: HTMLElement[] = [];
  for (const c of recent) {
    try {
      const p = await api.predict(c.id, bankId);
      const after = p.abstained ? 'not like any enrolled class' : className(p.predicted);
      const before = predictionText(c);
      rows.push(
        h(
          'tr',
          { className: before === after ? '' : 'moved' },
          h('td', {}, h('a', { href: `#/case/${encodeURIComponent(c.id)}` }, c.label ?? c.id)),
          h('td', {}, before),
          h('td', {}, after),
        ),
      );
    } catch (e) {
      rows.push(h('tr', {}, h('td', {}, c.label ?? c.id), h('td', { colspan: 2 }, errText(e))));
    }
  }
  mount(
    host,
    h(
      'table',
      {},
      h('caption', {}, 'How the change moved the predictions of recent cases'),
      h('thead', {}, h('tr', {}, ...['Case', 'Before', 'After'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
    ),
  );
}

function teachForm(
  banks: BankSummary[],
  cases: CaseSummary[],
  preselect: string | null,
  onChanged: () => Promise<unknown>,
): HTMLElement {
  const name = h('input', { type: 'text', autocomplete: 'off' });
  const bankSel = h(
    'select',
    {},
    ...banks.map((b) =>
      h('option', { value: b.id, selected: b.id === preselect ? true : null }, `${b.name} (v${b.version})`),
    ),
    h('option', { value: '' }, 'a new bank…'),
  );
  const newBankName = h('input', { type: 'text', autocomplete: 'off' });
  const newBankField = field('teach-newbank', 'Name of the new bank', newBankName);
  newBankField.hidden = bankSel.value !== '';
  bankSel.addEventListener('change', () => (newBankField.hidden = bankSel.value !== ''));
  const picks = cases.map((c, i) => {
    const cb = h('input', { type: 'checkbox', id: `teach-c${i}`, value: c.id });
    return {
      cb,
      row: h(
        'tr',
        {},
        h('td', {}, cb),
        h('td', {}, h('label', { for: `teach-c${i}` }, c.label ?? c.id)),
        h('td', {}, ageOf(c.createdAt)),
        h('td', {}, predictionText(c)),
        h('td', {}, c.reviewed ?? ''),
      ),
    };
  });
  const count = h('span', { 'aria-live': 'polite' }, '0 cases picked');
  for (const p of picks)
    p.cb.addEventListener(
      'change',
      () => (count.textContent = `${picks.filter((q) => q.cb.checked).length} cases picked`),
    );
  const status = h('div');
  const moves = h('div');
  const form = h(
    'form',
    { className: 'card teach' },
    h('h2', {}, 'Teach a class'),
    h(
      'p',
      { className: 'hint' },
      'Pick a few cases (3 to 5 is usual) that show the same rhythm, name ' +
        'it, and enrol them. No retraining: the bank gets a new version and ' +
        'old predictions keep theirs.',
    ),
    h(
      'div',
      { className: 'pick-scroll' },
      h(
        'table',
        { className: 'pick' },
        h('caption', {}, 'Recent cases'),
        h(
          'thead',
          {},
          h('tr', {}, ...['Pick', 'Case', 'Recorded', 'Prediction', 'Review'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        h('tbody', {}, ...picks.map((p) => p.row)),
      ),
    ),
    count,
    field('teach-name', 'Class name', name, 'A short id such as “jet_postop”, or a standard class id.'),
    field('teach-bank', 'Enrol into', bankSel),
    newBankField,
    h('button', { type: 'submit', className: 'primary' }, 'Enrol'),
    status,
    moves,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = picks.filter((p) => p.cb.checked).map((p) => p.cb.value);
    const cls = name.value.trim();
    if (!chosen.length) return mount(status, notice('error', 'Pick at least one case.'));
    if (!cls) {
      name.focus();
      return mount(status, notice('error', 'Name the class.'));
    }
    try {
      let bank: Bank;
      if (bankSel.value) {
        mount(status, notice('info', `Enrolling ${chosen.length} cases…`));
        bank = await api.bank(bankSel.value);
        for (const id of chosen) {
          bank = bank.examples.some((x) => x.caseId === id)
            ? await api.relabelExample(bank.id, id, cls)
            : await api.addExample(bank.id, id, cls);
        }
      } else {
        if (!newBankName.value.trim()) {
          newBankName.focus();
          return mount(status, notice('error', 'Name the new bank.'));
        }
        bank = await api.createBank(
          newBankName.value.trim(),
          chosen.map((caseId) => ({ caseId, class: cls })),
        );
      }
      mount(
        status,
        notice('ok', `Enrolled ${chosen.length} examples of “${cls}” in ${bank.name}, now version ${bank.version}.`),
        h('a', { href: `#/banks/${encodeURIComponent(bank.id)}` }, `Open ${bank.name}`),
      );
      await onChanged();
      await showMoves(moves, bank.id, cases);
    } catch (err) {
      mount(status, notice('error', errText(err)));
    }
  });
  return form;
}

async function bankDetail(main: HTMLElement, id: string): Promise<void> {
  let bank: Bank;
  try {
    bank = await api.bank(id);
  } catch (e) {
    mount(main, h('h1', {}, 'Bank'), notice('error', errText(e)));
    return;
  }
  const versions = await api
    .bankVersions(id)
    .then((v) => v.versions)
    .catch(() => []);
  const status = h('div');
  const reload = () => void bankDetail(main, id);
  const rows = bank.examples.map((ex, i) => {
    const input = h('input', {
      type: 'text',
      id: `ex-${i}`,
      value: ex.class,
      'aria-label': `Class of example ${ex.caseId}`,
    });
    return h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/case/${encodeURIComponent(ex.caseId)}` }, ex.caseId)),
      h('td', {}, input),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Relabel example ${ex.caseId}`,
            onclick: async () => {
              try {
                await api.relabelExample(id, ex.caseId, input.value.trim());
                reload();
              } catch (e) {
                mount(status, notice('error', errText(e)));
              }
            },
          },
          'Relabel',
        ),
        ' ',
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Remove example ${ex.caseId}`,
            onclick: async () => {
              if (!confirm(`Remove case ${ex.caseId} from ${bank.name}?`)) return;
              try {
                await api.removeExample(id, ex.caseId);
                reload();
              } catch (e) {
                mount(status, notice('error', errText(e)));
              }
            },
          },
          'Remove',
        ),
      ),
    );
  });
  mount(
    main,
    h('p', {}, h('a', { href: '#/banks' }, '← Banks and classes')),
    h('h1', {}, `${bank.name}, version ${bank.version}`),
    h(
      'p',
      {},
      `Model ${bank.modelVersion.slice(0, 12)} · last change: ${bank.change} · `,
      bank.abstention ? `abstains beyond distance ${bank.abstention.threshold.toFixed(3)}` : 'no abstention threshold',
    ),
    h('h2', {}, 'Classes'),
    h(
      'ul',
      { className: 'classes' },
      ...Object.entries(bank.classes).map(([c, n]) => h('li', {}, `${className(c)}: ${n} examples`)),
    ),
    h(
      'table',
      {},
      h('caption', {}, 'Examples'),
      h('thead', {}, h('tr', {}, ...['Case', 'Class', 'Change'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
    ),
    status,
    h('h2', {}, 'Versions'),
    h(
      'ol',
      { reversed: true, className: 'versions' },
      ...versions.map((v) => h('li', {}, `v${v.version}: ${v.change} — ${v.by.username}, ${ageOf(v.at)}`)),
    ),
  );
}

export async function banksPage(main: HTMLElement, [id]: string[]): Promise<void> {
  if (id) return bankDetail(main, id);
  let banks: BankSummary[] = [];
  let cases: CaseSummary[] = [];
  try {
    [banks, cases] = await Promise.all([
      api.banks().then((b) => b.banks),
      api.cases({ limit: 100 }).then((c) => c.cases),
    ]);
  } catch (e) {
    mount(main, h('h1', {}, 'Banks and classes'), notice('error', errText(e)));
    return;
  }
  const bankTable = h('div');
  const drawBanks = (list: BankSummary[]) =>
    mount(
      bankTable,
      h(
        'table',
        {},
        h('caption', {}, 'Prototype banks: the classes a prediction compares with'),
        h(
          'thead',
          {},
          h('tr', {}, ...['Bank', 'Version', 'Classes (examples)', 'Updated'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        h(
          'tbody',
          {},
          ...list.map((b) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/banks/${encodeURIComponent(b.id)}` }, b.name)),
              h('td', {}, `v${b.version}`),
              h(
                'td',
                {},
                Object.entries(b.classes)
                  .map(([c, n]) => `${c} (${n})`)
                  .join(', '),
              ),
              h('td', {}, ageOf(b.updatedAt)),
            ),
          ),
        ),
      ),
    );
  drawBanks(banks);
  mount(
    main,
    h('h1', {}, 'Banks and classes'),
    bankTable,
    banks.length ? null : notice('info', 'No bank yet.'),
    teachForm(banks, cases, banks[0]?.id ?? null, () =>
      api.banks().then(
        (b) => drawBanks(b.banks),
        () => undefined,
      ),
    ),
  );
}
