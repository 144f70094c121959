import './styles.css';
import { h, mount } from './ui/dom';
import { isAdmin, restoreSession, session, signOut } from './session';
import { loginPage } from './pages/login';
import { worklistPage } from './pages/worklist';
import { newCasePage } from './pages/new-case';
import { casePage } from './pages/case';
import { banksPage } from './pages/banks';
import { archivePage } from './pages/archive';
import { auditPage } from './pages/audit';
import { paperCheckPage } from './pages/paper-check';

const main = document.getElementById('main')!;
const header = document.getElementById('top')!;

export type Page = (main: HTMLElement, params: string[]) => void | Promise<void>;

const routes: [RegExp, Page, { admin?: boolean; title: string }][] = [
  [/^\/?$/, worklistPage, { title: 'Worklist' }],
  [/^\/new$/, newCasePage, { title: 'New case' }],
  [/^\/case\/([^/]+)$/, casePage, { title: 'Case' }],
  [/^\/banks$/, banksPage, { title: 'Banks and classes' }],
  [/^\/banks\/([^/]+)$/, banksPage, { title: 'Bank' }],
  [/^\/archive$/, archivePage, { title: 'Archive search' }],
  [/^\/audit$/, auditPage, { admin: true, title: 'Audit log' }],
  [/^\/paper-check$/, paperCheckPage, { title: 'Paper check' }],
];

function renderHeader(): void {
  const u = session.user;
  const link = (href: string, text: string) => h('a', { href, 'aria-current': isCurrent(href) ? 'page' : null }, text);
  mount(
    header,
    h(
      'nav',
      { 'aria-label': 'Main' },
      h('a', { href: '#/', className: 'brand' }, 'fewbeat'),
      u ? link('#/', 'Worklist') : null,
      u ? link('#/new', 'New case') : null,
      u ? link('#/banks', 'Banks and classes') : null,
      u ? link('#/archive', 'Archive search') : null,
      u && isAdmin() ? link('#/audit', 'Audit log') : null,
      link('#/paper-check', 'Paper check'),
      h('span', { className: 'spacer' }),
      u
        ? h(
            'span',
            { className: 'who' },
            `${u.displayName || u.username} (${u.role}) `,
            h(
              'button',
              {
                type: 'button',
                onclick: async () => {
                  await signOut();
                  location.hash = '#/login';
                },
              },
              'Sign out',
            ),
          )
        : null,
    ),
  );
}

function isCurrent(href: string): boolean {
  const path = location.hash.replace(/^#/, '') || '/';
  const target = href.replace(/^#/, '');
  return target === '/' ? path === '/' : path.startsWith(target);
}

async function route(): Promise<void> {
  const path = location.hash.replace(/^#/, '') || '/';
  if (path === '/login') {
    renderHeader();
    document.title = 'Sign in · fewbeat';
    return loginPage(main);
  }
  if (path !== '/paper-check' && !session.user && !(await restoreSession())) {
    location.hash = '#/login';
    return;
  }
  renderHeader();
  for (const [re, page, meta] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    document.title = `${meta.title} · fewbeat`;
    if (meta.admin && !isAdmin()) {
      mount(
        main,
        h('h1', {}, meta.title),
        h('p', { className: 'notice error', role: 'alert' }, 'Only administrators can open this page.'),
      );
      return;
    }
    main.replaceChildren();
    await page(main, m.slice(1).map(decodeURIComponent));
    main.focus({ preventScroll: true });
    return;
  }
  mount(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the worklist')));
}

window.addEventListener('hashchange', () => void route());
void route();
