import type { Knex } from 'knex';
import { SignJWT } from 'jose';
import { AppError, invalidField, notFound, otherDepartment } from '../../lib/errors.js';
import { paginate, type Page } from '../../lib/paginate.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../lib/passwords.js';
import { readsEverything, type Principal, type UserRole } from '../../plugins/auth.js';
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

/** Who may manage users of a department: the platform admin anywhere, a dept_admin in its own. */
function assertMayManage(actor: Principal, departmentCode: string) {
  if (actor.role === 'platform_admin') return;
  if (actor.role === 'dept_admin' && actor.departmentCode === departmentCode) return;
  throw otherDepartment('the user');
}

export async function createUser(
  db: Knex,
  actor: Principal | 'cli',
  input: { username: string; displayName: string; role: UserRole; departmentCode?: string; password: string },
  requestId?: string,
) {
  const departmentCode = input.departmentCode ?? (actor === 'cli' ? undefined : actor.departmentCode);
  if (!departmentCode) throw invalidField('/body/departmentCode', 'is required');
  if (actor !== 'cli') {
    assertMayManage(actor, departmentCode);
    if (actor.role !== 'platform_admin' && PLATFORM_ROLES.includes(input.role)) {
      throw new AppError('FORBIDDEN', `only the platform administrator creates ${input.role} users`);
    }
  }
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
  if (actor.role !== 'platform_admin' && actor.role !== 'auditor') assertMayManage(actor, row.department_code);
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

export async function updateUser(
  db: Knex,
  actor: Principal,
  id: string,
  patch: { displayName?: string; password?: string; status?: 'active' | 'disabled' },
  requestId?: string,
) {
  const row = await getUser(db, actor, id);
  if (actor.role === 'auditor') throw new AppError('FORBIDDEN', 'auditors change nothing');
  if (patch.status === 'disabled' && actor.kind === 'user' && actor.userId === row.id) {
    throw invalidField('/body/status', 'you cannot disable yourself');
  }
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return db.transaction(async (trx) => {
    const [updated] = await trx('users')
      .where('id', id)
      .update({
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(passwordHash ? { password_hash: passwordHash } : {}),
        updated_at: trx.fn.now(),
      })
      .returning('*');
    // Which fields changed, never their values (a password above all).
    await recordEvent(trx, { actor, requestId, entityType: 'user', entityId: id, action: 'user.updated', details: { fields: Object.keys(patch) } });
    return updated as UserRow;
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
