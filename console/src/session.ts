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

const state = reactive<{ current: Session | null }>({ current: null });
export const session = readonly(state);

let expiryTimer: ReturnType<typeof setTimeout> | undefined;
let endedListener: (notice: string) => void = () => {};

export function onSessionEnded(listener: (notice: string) => void) {
  endedListener = listener;
}

export function startSession(token: string, expiresInSeconds: number, me: Principal) {
  state.current = { token, expiresAt: Date.now() + expiresInSeconds * 1000, me };
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => endSession('expired'), expiresInSeconds * 1000);
}

/** reason: 'expired' (the token's time is up), 'invalid' (the hub answered 401), 'signout'. */
export function endSession(reason: 'expired' | 'invalid' | 'signout') {
  const had = state.current !== null;
  state.current = null;
  clearTimeout(expiryTimer);
  if (had || reason !== 'invalid') endedListener(reason);
}

export const currentToken = () => state.current?.token;
export const currentRole = () => state.current?.me.role;
