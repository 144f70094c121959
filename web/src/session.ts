import { api, setCsrfToken } from './api/client';
import type { User } from './api/types';

/** The signed-in user (null when signed out). */
export const session: { user: User | null } = { user: null };

export async function restoreSession(): Promise<User | null> {
  try {
    const info = await api.me();
    setCsrfToken(info.csrfToken);
    session.user = info.user;
  } catch {
    session.user = null;
  }
  return session.user;
}

export async function signIn(username: string, password: string): Promise<User> {
  const info = await api.login(username, password);
  setCsrfToken(info.csrfToken);
  session.user = info.user;
  return info.user;
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    setCsrfToken(null);
    session.user = null;
  }
}

export const isAdmin = () => session.user?.role === 'admin';
