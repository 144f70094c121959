import { api } from '../api/client';
import type { CaseSummary } from '../api/types';
import { fmt, h, mount, notice } from '../ui/dom';
import { ageOf, CASE_STATUSES, caseStatus, childAge, moveSelection, nextUnread } from './case-status';
import { className as classNameOf } from './class-names';

/** Age and heart rate of listed cases, fetched once per case (the list answer carries neither). */
const details = new Map<string, Promise<{ age: string; hr: string }>>();
function detailsOf(id: string): Promise<{ age: string; hr: string }> {
  let d = details.get(id);
  if (!d) {
    d = Promise.all([api.case(id), api.analysis(id).catch(() => null)]).then(([c, a]) => ({
      age: childAge(c.clinical['age_years']),
      hr: a ? (a.measurements.hr.value === null ? 'not measured' : `${fmt(a.measurements.hr.value)} bpm`) : '—',
    }));
    details.set(id, d);
  }
  return d;
}

/** The last list shown, so "next case" works from a case page too. */
export let lastWorklist: CaseSummary[] = [];

/** Opens the next unread case after `currentId`; says so when none is left. */
export async function openNextCase(currentId: string | null): Promise<boolean> {
  if (!lastWorklist.length) lastWorklist = (await api.cases({ limit: 200 })).cases;
  const next = nextUnread(lastWorklist, currentId);
  if (next) location.hash = `#/case/${encodeURIComponent(next.id)}`;
  return next !== null;
}

export function predictionText(c: CaseSummary): string {
  const p = c.latestPrediction;
  if (!p) return '—';
  return p.abstained ? 'not like any enrolled class' : classNameOf(p.predicted);
}

export async function worklistPage(main: HTMLElement): Promise<void> {
  const search = h('input', { type: 'search', id: 'wl-search', placeholder: 'case, label, patient key, file name' });
  const status = h('select', { id: 'wl-status' }, h('option', { value: '' }, 'all'));
  for (const s of CASE_STATUSES) status.append(h('option', { value: s }, s));
  const tbody = h('tbody');
  const msg = h('div');
  let rows: CaseSummary[] = [];
  let selected = 0;

  const table = h(
    'table',
    { className: 'worklist', 'aria-label': 'Recent cases' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Status', 'Recorded', 'Case', 'Age', 'HR', 'Prediction', 'Leads', 'By'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    tbody,
  );

  const focusRow = (i: number) => {
    selected = i;
    const tr = tbody.children[i] as HTMLElement | undefined;
    for (const r of Array.from(tbody.children)) r.setAttribute('aria-selected', String(r === tr));
    tr?.focus();
  };

  const draw = () => {
    const wanted = status.value;
    const shown = wanted ? rows.filter((c) => caseStatus(c) === wanted) : rows;
    lastWorklist = rows;
    tbody.replaceChildren(
      ...shown.map((c, i) => {
        const st = caseStatus(c);
        const age = h('td', {}, '…');
        const hr = h('td', {}, '…');
        void detailsOf(c.id)
          .then((d) => {
            age.textContent = d.age;
            hr.textContent = d.hr;
          })
          .catch(() => {
            age.textContent = '—';
            hr.textContent = '—';
          });
        const open = () => (location.hash = `#/case/${encodeURIComponent(c.id)}`);
        const tr = h(
          'tr',
          { tabindex: i === 0 ? 0 : -1, 'aria-selected': String(i === selected), ondblclick: open },
          h('td', {}, h('span', { className: `badge ${st}` }, st)),
          h('td', { title: c.createdAt }, ageOf(c.createdAt)),
          h(
            'td',
            {},
            h('a', { href: `#/case/${encodeURIComponent(c.id)}` }, c.label || c.id),
            c.patientId ? h('span', { className: 'muted' }, ` · patient ${c.patientId}`) : null,
          ),
          age,
          hr,
          h('td', {}, predictionText(c)),
          h('td', {}, `${c.record.leads.length} × ${c.record.durationS.toFixed(0)} s`),
          h('td', {}, c.uploadedBy.username),
        );
        tr.addEventListener('focus', () => (selected = i));
        return tr;
      }),
    );
    mount(
      msg,
      shown.length ? null : notice('info', rows.length ? 'No case has this status.' : 'No case yet: add one.'),
    );
  };

  const load = async () => {
    try {
      rows = (await api.cases({ q: search.value || undefined, limit: 200 })).cases;
      selected = 0;
      draw();
    } catch (e) {
      mount(msg, notice('error', `Could not load the cases: ${(e as Error).message}`));
    }
  };

  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void load(), 250);
  });
  status.addEventListener('change', draw);
  tbody.addEventListener('keydown', (e) => {
    const n = moveSelection(e.key, selected, tbody.children.length);
    if (n !== null) {
      e.preventDefault();
      focusRow(n);
    } else if (e.key === 'Enter') {
      (tbody.children[selected]?.querySelector('a') as HTMLAnchorElement | null)?.click();
    }
  });

  mount(
    main,
    h(
      'div',
      { className: 'page-head' },
      h('h1', {}, 'Worklist'),
      h('a', { href: '#/new', className: 'button primary' }, 'New case'),
    ),
    h(
      'div',
      { className: 'filters' },
      h('label', { for: 'wl-search' }, 'Search '),
      search,
      h('label', { for: 'wl-status' }, 'Status '),
      status,
      h('span', { className: 'hint' }, 'Keys: j/k or arrows move, Enter opens, n opens the next unread case.'),
    ),
    table,
    msg,
  );
  await load();
}
