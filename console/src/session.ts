import { reactive, readonly } from 'vue';
import type { components } from './api/schema';

export type Principal = components['schemas']['Principal'];

// The signed-in session lives in memory only: never in localStorage, sessionStorage or a
// readable cookie, so a script injected into the page (were one ever to run) finds no token to
// take elsewhere, and closing or reloading the tab signs out. The token's lifetime comes from
// the hub (expiresIn); when it ends, the console returns to sign-in.

interface Session {
  token: string;
  expiresAt: number;
  me: Principal;
}

/** A citizen or company signed in at the identity provider (a token of the provider, not the hub's). */
interface SubjectSession {
  token: string;
  expiresAt: number;
}

export type SessionKind = 'user' | 'subject';

const state = reactive<{ current: Session | null; subject: SubjectSession | null }>({ current: null, subject: null });
export const session = readonly(state);

let expiryTimer: ReturnType<typeof setTimeout> | undefined;
let endedListener: (notice: string, kind: SessionKind) => void = () => {};

export function onSessionEnded(listener: (notice: string, kind: SessionKind) => void) {
  endedListener = listener;
}

export function startSession(token: string, expiresInSeconds: number, me: Principal) {
  state.subject = null;
  state.current = { token, expiresAt: Date.now() + expiresInSeconds * 1000, me };
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => endSession('expired'), expiresInSeconds * 1000);
}

/** reason: 'expired' (the token's time is up), 'invalid' (the hub answered 401), 'signout'. */
export function endSession(reason: 'expired' | 'invalid' | 'signout') {
  const kind: SessionKind = state.subject ? 'subject' : 'user';
  const had = state.current !== null || state.subject !== null;
  state.current = null;
  state.subject = null;
  clearTimeout(expiryTimer);
  if (had || reason !== 'invalid') endedListener(reason, kind);
}

/** A data subject's session, ending when the provider's token does (its `exp`, seconds since the epoch). */
export function startSubjectSession(token: string, expiresAtSeconds: number) {
  state.current = null;
  state.subject = { token, expiresAt: expiresAtSeconds * 1000 };
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => endSession('expired'), Math.max(0, expiresAtSeconds * 1000 - Date.now()));
}

export const currentToken = () => state.current?.token ?? state.subject?.token;
export const currentRole = () => state.current?.me.role;
