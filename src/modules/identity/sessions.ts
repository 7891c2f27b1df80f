import { AppError } from '../../lib/errors.js';

// Kept apart from users-service (which imports the auth plugin) so that src/plugins/auth.ts can
// import it without an import cycle.

/**
 * A hub-issued token ends when its user's password changes: refused when it was issued (iat,
 * whole seconds) before users.password_changed_at. Compared at second resolution, as iat is: a
 * token issued in the same second as the change survives, a fresh sign-in right after it works.
 */
export function assertTokenStillValid(user: { passwordChangedAt: Date | null }, iatSeconds: number | undefined): void {
  if (!user.passwordChangedAt) return;
  const changedSeconds = Math.floor(user.passwordChangedAt.getTime() / 1000);
  if (iatSeconds === undefined || iatSeconds < changedSeconds) {
    throw new AppError('INVALID_CREDENTIALS', 'the token was issued before the password changed: sign in again');
  }
}
