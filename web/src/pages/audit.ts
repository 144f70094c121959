import { api, call } from '../api/client';
import type { AuditEntry, User } from '../api/types';
import { field, h, mount, notice } from '../ui/dom';

const PAGE = 100;

/** The audit log (admins only; the service refuses it to clinicians too): filter by action and user, export. */
export async function auditPage(main: HTMLElement): Promise<void> {
  const action = h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. prediction' });
  const user = h('select', {}, h('option', { value: '' }, 'anyone'));
  try {
    for (const u of (await call<{ users: User[] }>('GET', '/api/users')).users)
      user.append(h('option', { value: u.id }, `${u.username} (${u.role})`));
  } catch {
    // the filter stays "anyone"
  }
  const tbody = h('tbody');
  const status = h('div');
  let offset = 0;
  const more = h('button', { type: 'button' }, 'Older entries');
  const row = (e: AuditEntry) =>
    h(
      'tr',
      {},
      h('td', {}, e.at.replace('T', ' ').slice(0, 19)),
      h('td', {}, e.username ?? '—'),
      h('td', {}, e.action),
      h('td', {}, e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'),
      h('td', {}, e.ip ?? '—'),
      h('td', { className: 'details' }, JSON.stringify(e.details)),
    );
  const load = async (append: boolean) => {
    if (!append) offset = 0;
    try {
      const res = await api.audit({
        action: action.value.trim() || undefined,
        userId: user.value.trim() || undefined,
        limit: PAGE,
        offset,
      });
      if (!append) tbody.replaceChildren();
      tbody.append(...res.entries.map(row));
      offset += res.entries.length;
      more.hidden = offset >= res.total;
      mount(status, notice('info', `${offset} of ${res.total} entries shown.`));
    } catch (e) {
      mount(status, notice('error', (e as Error).message));
    }
  };
  more.addEventListener('click', () => void load(true));
  const form = h(
    'form',
    { className: 'filters' },
    field('audit-action', 'Action', action),
    field('audit-user', 'User', user),
    h('button', { type: 'submit' }, 'Filter'),
    h('a', { href: '/api/audit/export', className: 'button', download: 'audit.ndjson' }, 'Export all (NDJSON)'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load(false);
  });
  mount(
    main,
    h('h1', {}, 'Audit log'),
    h(
      'p',
      { className: 'hint' },
      'Every sign-in, upload, prediction, bank change, review and export. Nobody can edit it.',
    ),
    form,
    h(
      'table',
      { className: 'audit' },
      h('caption', {}, 'Newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['When (UTC)', 'Who', 'Action', 'Target', 'From', 'Details'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      tbody,
    ),
    more,
    status,
  );
  await load(false);
}
