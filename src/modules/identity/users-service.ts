import type { Knex } from 'knex';
import { SignJWT } from 'jose';
import { AppError, invalidField, notFound, otherDepartment } from '../../lib/errors.js';
import { paginate, type Page } from '../../lib/paginate.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../lib/passwords.js';
import { DEPT_ROLES, readsEverything, type Principal, type UserRole } from '../../plugins/auth.js';
import { recordEvent } from '../audit/events.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: UserRole;
  department_code: string;
  password_hash: string | null;
  status: 'active' | 'disabled';
  created_at: Date;
}

export const toUser = (row: UserRow) => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  departmentCode: row.department_code,
  status: row.status,
  createdAt: row.created_at.toISOString(),
});

const PLATFORM_ROLES: readonly UserRole[] = ['platform_admin', 'auditor'];

/**
 * 三员分立: through the API a manager changes only users of strictly lower privilege in its
 * scope: the platform admin department admins and operators of any department, a department
 * admin its own department's operators. Platform admins and auditors are managed only through
 * the `sharehub` CLI (the operator's console), so no administrator can take over an auditor's
 * account or a peer's.
 */
function assertMayManage(actor: Principal, target: { role: UserRole; department_code: string }) {
  if (actor.role === 'platform_admin') {
    if (DEPT_ROLES.includes(target.role)) return;
    throw new AppError('FORBIDDEN', `${target.role} users are managed through the sharehub console only`);
  }
  if (actor.role === 'dept_admin') {
    if (actor.departmentCode !== target.department_code) throw otherDepartment('the user');
    if (target.role === 'dept_operator') return;
    throw new AppError('FORBIDDEN', `a department admin manages dept_operator users only, not ${target.role}`);
  }
  throw new AppError('FORBIDDEN', `role '${actor.role}' manages no users`);
}

export async function createUser(
  db: Knex,
  actor: Principal | 'cli',
  input: { username: string; displayName: string; role: UserRole; departmentCode?: string; password: string },
  requestId?: string,
) {
  const departmentCode = input.departmentCode ?? (actor === 'cli' ? undefined : actor.departmentCode);
  if (!departmentCode) throw invalidField('/body/departmentCode', 'is required');
  if (actor !== 'cli') assertMayManage(actor, { role: input.role, department_code: departmentCode });
  const department = await db('departments').where('code', departmentCode).first('code', 'is_platform');
  if (!department) throw invalidField('/body/departmentCode', 'names no registered department');
  // Administrators and auditors belong to the platform; department roles to a department.
  if (PLATFORM_ROLES.includes(input.role) !== department.is_platform) {
    throw invalidField('/body/role', department.is_platform
      ? `the platform department holds only platform_admin and auditor users`
      : `${input.role} users belong to the platform department`);
  }
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (trx) => {
    const [row] = await trx('users')
      .insert({ username: input.username, display_name: input.displayName, role: input.role, department_code: departmentCode, password_hash: passwordHash })
      .returning('*');
    await recordEvent(trx, {
      actor: actor === 'cli' ? { kind: 'cli' } : actor, requestId, entityType: 'user', entityId: row.id, action: 'user.created',
      details: { role: input.role, departmentCode },
    });
    return row as UserRow;
  });
}

export async function getUser(db: Knex, actor: Principal, id: string) {
  const row: UserRow | undefined = await db('users').where('id', id).first();
  if (!row) throw notFound('user');
  if (!readsEverything(actor) && row.department_code !== actor.departmentCode) throw otherDepartment('the user');
  return row;
}

export async function listUsers(db: Knex, actor: Principal, q: Page & { departmentCode?: string }) {
  const scoped = readsEverything(actor) ? q.departmentCode : actor.departmentCode;
  if (q.departmentCode && scoped !== q.departmentCode) throw otherDepartment('the requested department');
  const users = db('users')
    .modify((b) => { if (scoped) b.where('department_code', scoped); })
    .orderBy([{ column: 'department_code' }, { column: 'username' }]);
  return paginate<UserRow>(users, q);
}

/** The columns a password change sets: the new hash, and the instant older sessions end. */
const newPasswordColumns = async (db: Knex, password: string) => ({
  password_hash: await hashPassword(password),
  password_changed_at: db.fn.now(),
});

export async function updateUser(
  db: Knex,
  actor: Principal,
  id: string,
  patch: { displayName?: string; password?: string; status?: 'active' | 'disabled' },
  requestId?: string,
) {
  const row: UserRow | undefined = await db('users').where('id', id).first();
  if (!row) throw notFound('user');
  // Strictly lower privilege only: nobody reaches their own account (or a peer's) here.
  assertMayManage(actor, row);
  const password = patch.password !== undefined ? await newPasswordColumns(db, patch.password) : {};
  return db.transaction(async (trx) => {
    const [updated] = await trx('users')
      .where('id', id)
      .update({
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...password,
        updated_at: trx.fn.now(),
      })
      .returning('*');
    // Which fields changed, never their values (a password above all).
    await recordEvent(trx, { actor, requestId, entityType: 'user', entityId: id, action: 'user.updated', details: { fields: Object.keys(patch) } });
    return updated as UserRow;
  });
}

/** Any signed-in user changes their own password, proving they know the current one. */
export async function changeOwnPassword(
  db: Knex,
  actor: Principal,
  input: { currentPassword: string; newPassword: string },
  requestId?: string,
) {
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'only users have passwords');
  const row: UserRow | undefined = await db('users').where({ id: actor.userId }).first();
  if (!row) throw notFound('user');
  const ok = await verifyPassword(input.currentPassword, row.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!ok) {
    await recordEvent(db, { actor, requestId, entityType: 'user', entityId: row.id, action: 'user.password_changed', outcome: 'failure', reason: 'wrong current password' });
    throw invalidField('/body/currentPassword', 'is not your current password');
  }
  if (input.newPassword === input.currentPassword) throw invalidField('/body/newPassword', 'must differ from the current password');
  const password = await newPasswordColumns(db, input.newPassword);
  await db.transaction(async (trx) => {
    await trx('users').where('id', row.id).update({ ...password, updated_at: trx.fn.now() });
    await recordEvent(trx, { actor, requestId, entityType: 'user', entityId: row.id, action: 'user.password_changed' });
  });
}

/** Password login → a short-lived HS256 JWT whose subject is the username. */
export async function issueToken(db: Knex, jwtKey: Uint8Array, opts: { issuer: string; ttlSeconds: number }, username: string, password: string) {
  const row: UserRow | undefined = await db('users').where({ username }).first();
  // Hash even for an unknown user, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!row || !ok || row.status !== 'active') throw new AppError('INVALID_CREDENTIALS', 'wrong username or password, or the account is disabled');
  const accessToken = await new SignJWT({ role: row.role, dept: row.department_code })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(row.username)
    .setIssuer(opts.issuer)
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds}s`)
    .sign(jwtKey);
  return { accessToken, tokenType: 'Bearer' as const, expiresIn: opts.ttlSeconds };
}
