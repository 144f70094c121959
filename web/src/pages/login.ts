import { ApiError } from '../api/client';
import { field, h, mount, notice } from '../ui/dom';
import { signIn } from '../session';

export function loginPage(main: HTMLElement): void {
  const user = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const status = h('div');
  const form = h(
    'form',
    { className: 'login card' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'fewbeat reads children’s ECGs and suggests a rhythm class from the examples your team enrolled.'),
    field('login-user', 'User name', user),
    field('login-pass', 'Password', pass),
    h('button', { type: 'submit', className: 'primary' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(status, notice('info', 'Signing in…'));
    try {
      await signIn(user.value, pass.value);
      location.hash = '#/';
    } catch (err) {
      const msg = err instanceof ApiError && err.status === 401 ? 'Wrong user name or password.' : String(err);
      mount(status, notice('error', err instanceof ApiError && err.status !== 401 ? err.message : msg));
    }
  });
  mount(main, form);
  user.focus();
}
