// Who is calling, and what their role lets them read. Policy, not HTTP: the auth plugin builds a
// Principal (through authenticate.ts); services, workers and the CLI only read it.

export type UserRole = 'platform_admin' | 'auditor' | 'dept_admin' | 'dept_operator';
/** What a route may allow: the four user roles, or a department's client system. */
export type Role = UserRole | 'system';

export const USER_ROLES: readonly UserRole[] = ['platform_admin', 'auditor', 'dept_admin', 'dept_operator'];
export const DEPT_ROLES: readonly UserRole[] = ['dept_admin', 'dept_operator'];
export const ALL_USERS: readonly Role[] = USER_ROLES;

export type Principal =
  | { kind: 'user'; role: UserRole; userId: string; username: string; departmentCode: string }
  | { kind: 'system'; role: 'system'; systemId: string; keyId: string; departmentCode: string };

/** Platform admins and auditors read every department's records; everyone else their own department's. */
export const readsEverything = (p: Principal) => p.role === 'platform_admin' || p.role === 'auditor';

/**
 * Only auditors read every department's notifications: the platform's admins read their own
 * department's, like any department (三员分立: supervision of the messages is the auditor's).
 */
export const readsEveryNotification = (p: Principal) => p.role === 'auditor';
