import type { Knex } from 'knex';
import { SignJWT } from 'jose';
import { AppError, invalidField, notFound, otherDepartment } from '../../lib/errors.js';
import { paginate, type Page } from '../../lib/paginate.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../lib/passwords.js';
import { DEPT_ROLES, readsEverything, type Principal, type UserRole } from './principal.js';
import { recordEvent, type Actor } from '../audit/events.js';
import type { Context } from '../context.js';
import type { AnonymousContext, RequestContext } from '../context.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: UserRole;
  department_code: string;
  password_hash: string | null;
  status: 'active' | 'disabled';
  created_at: Date;
  password_changed_at: Date | null;
  failed_logins: number;
  locked_until: Date | null;
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
    // Creating in another (public) department; an existing user there never gets here (updateUser).
    if (actor.departmentCode !== target.department_code) throw otherDepartment('the user');
    if (target.role === 'dept_operator') return;
    throw new AppError('FORBIDDEN', `a department admin manages dept_operator users only, not ${target.role}`);
  }
  throw new AppError('FORBIDDEN', `role '${actor.role}' manages no users`);
}

export async function createUser(
  ctx: Context<Principal | { kind: 'cli' }>,
  /** No password (CLI only): a federated account, signed in through the identity provider alone. */
  input: { username: string; displayName: string; role: UserRole; departmentCode?: string; password?: string },
) {
  const { db, actor, requestId } = ctx;
  const departmentCode = input.departmentCode ?? (actor.kind === 'cli' ? undefined : actor.departmentCode);
  if (!departmentCode) throw invalidField('/body/departmentCode', 'is required');
  if (actor.kind !== 'cli') assertMayManage(actor, { role: input.role, department_code: departmentCode });
  const department = await db('departments').where('code', departmentCode).first('code', 'is_platform');
  if (!department) throw invalidField('/body/departmentCode', 'names no registered department');
  // Administrators and auditors belong to the platform; department roles to a department.
  if (PLATFORM_ROLES.includes(input.role) !== department.is_platform) {
    throw invalidField('/body/role', department.is_platform
      ? `the platform department holds only platform_admin and auditor users`
      : `${input.role} users belong to the platform department`);
  }
  if (input.password === undefined && actor.kind !== 'cli') throw invalidField('/body/password', 'is required');
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction(async (trx) => {
    const [row] = await trx('users')
      .insert({ username: input.username, display_name: input.displayName, role: input.role, department_code: departmentCode, password_hash: passwordHash })
      .returning('*')
      .catch((err: { code?: string }) => {
        // Usernames are unique across the hub: say so, and nothing about whose it is.
        if (err.code === '23505') throw new AppError('ALREADY_EXISTS', `username ${input.username} is already taken`);
        throw err;
      });
    await recordEvent(trx, {
      actor, requestId, entityType: 'user', entityId: row.id, action: 'user.created',
      details: { role: input.role, departmentCode },
    });
    return row as UserRow;
  });
}

export async function getUser(ctx: RequestContext, id: string) {
  const { db, actor } = ctx;
  const row: UserRow | undefined = await db('users').where('id', id).first();
  if (!row) throw notFound('user');
  // Another department's user is as unknown as a missing one: a 403 would confirm it exists.
  if (!readsEverything(actor) && row.department_code !== actor.departmentCode) throw notFound('user');
  return row;
}

export async function listUsers(ctx: RequestContext, q: Page & { departmentCode?: string }) {
  const { db, actor } = ctx;
  const scoped = readsEverything(actor) ? q.departmentCode : actor.departmentCode;
  if (q.departmentCode && scoped !== q.departmentCode) throw otherDepartment('the requested department');
  const users = db('users')
    .modify((b) => { if (scoped) b.where('department_code', scoped); })
    .orderBy([{ column: 'department_code' }, { column: 'username' }]);
  return paginate<UserRow>(users, q);
}

/** Whether the hub has a platform administrator yet (first-run set-up creates one). */
export async function hasPlatformAdmin(db: Knex): Promise<boolean> {
  return Boolean(await db('users').where('role', 'platform_admin').first('id'));
}

/**
 * The active user a verified token names. A federated sign-in (identity provider) reaches only
 * accounts without a local password.
 */
export async function findSignInUser(db: Knex, username: string, opts: { federated: boolean }): Promise<UserRow | undefined> {
  return db('users')
    .where({ username, status: 'active' })
    .modify((q) => { if (opts.federated) q.whereNull('password_hash'); })
    .first();
}

/** The columns a password change sets: the new hash, and the instant older sessions end. */
const newPasswordColumns = async (password: string, now: Date) => ({
  password_hash: await hashPassword(password),
  // Compared with a token's iat (issueToken stamps it from the same clock): sessions end here.
  password_changed_at: now,
  failed_logins: 0,
  last_failed_login_at: null,
  locked_until: null,
});

export async function updateUser(
  ctx: RequestContext,
  id: string,
  patch: { displayName?: string; password?: string; status?: 'active' | 'disabled' },
) {
  const { db, actor, requestId } = ctx;
  const row: UserRow | undefined = await db('users').where('id', id).first();
  // Another department's user is as unknown as a missing one, as on reads (getUser).
  if (!row || (!readsEverything(actor) && row.department_code !== actor.departmentCode)) throw notFound('user');
  // Strictly lower privilege only: nobody reaches their own account (or a peer's) here.
  assertMayManage(actor, row);
  const password = patch.password !== undefined ? await newPasswordColumns(patch.password, ctx.now) : {};
  return db.transaction(async (trx) => {
    const [updated] = await trx('users')
      .where('id', id)
      .update({
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...password,
        updated_at: ctx.now,
      })
      .returning('*');
    // Which fields changed, never their values (a password above all).
    await recordEvent(trx, { actor, requestId, entityType: 'user', entityId: id, action: 'user.updated', details: { fields: Object.keys(patch) } });
    return updated as UserRow;
  });
}

/** Any signed-in user changes their own password, proving they know the current one. */
export async function changeOwnPassword(
  ctx: RequestContext,
  input: { currentPassword: string; newPassword: string },
) {
  const { db, actor, requestId } = ctx;
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'only users have passwords');
  const row: UserRow | undefined = await db('users').where({ id: actor.userId }).first();
  if (!row) throw notFound('user');
  // The current password is guessed here as at sign-in, so the same lockout applies.
  if (isLocked(row, ctx.now)) throw lockedError();
  const ok = await verifyPassword(input.currentPassword, row.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!ok) {
    await countFailedLogin(db, row.id, ctx.now);
    await recordEvent(db, { actor, requestId, entityType: 'user', entityId: row.id, action: 'user.password_changed', outcome: 'failure', reason: 'wrong current password' });
    throw invalidField('/body/currentPassword', 'is not your current password');
  }
  if (input.newPassword === input.currentPassword) throw invalidField('/body/newPassword', 'must differ from the current password');
  const password = await newPasswordColumns(input.newPassword, ctx.now);
  await db.transaction(async (trx) => {
    await trx('users').where('id', row.id).update({ ...password, updated_at: ctx.now });
    await recordEvent(trx, { actor, requestId, entityType: 'user', entityId: row.id, action: 'user.password_changed' });
  });
}

/** Consecutive wrong passwords within LOGIN_FAILURE_WINDOW_MINUTES that lock an account. */
export const MAX_FAILED_LOGINS = 5;
export const LOGIN_FAILURE_WINDOW_MINUTES = 15;
export const LOGIN_LOCKOUT_MINUTES = 15;

/** A caller not yet identified: recorded as a user with no id (never the name it typed). */
const UNIDENTIFIED_CALLER = { kind: 'user' } as unknown as Actor;

const principalOf = (row: UserRow): Principal =>
  ({ kind: 'user', role: row.role, userId: row.id, username: row.username, departmentCode: row.department_code });

const isLocked = (row: UserRow, now: Date) => row.locked_until !== null && row.locked_until.getTime() > now.getTime();

const lockedError = () =>
  new AppError('RATE_LIMITED', `too many wrong passwords: try again in up to ${LOGIN_LOCKOUT_MINUTES} minutes`);

/**
 * Counts one wrong password against the user, in one statement so concurrent attempts all
 * count; the MAX_FAILED_LOGINS-th within the window locks the account for LOGIN_LOCKOUT_MINUTES.
 */
async function countFailedLogin(db: Knex, userId: string, now: Date) {
  // `now` is bound (not the database's now()): the lockout runs on the request's clock.
  const inWindow = `last_failed_login_at > ?::timestamptz - make_interval(mins => ${LOGIN_FAILURE_WINDOW_MINUTES})`;
  const next = `(case when ${inWindow} then failed_logins + 1 else 1 end)`;
  await db('users').where('id', userId).update({
    failed_logins: db.raw(`case when ${next} >= ? then 0 else ${next} end`, [now, MAX_FAILED_LOGINS, now]),
    locked_until: db.raw(`case when ${next} >= ? then ?::timestamptz + make_interval(mins => ${LOGIN_LOCKOUT_MINUTES}) else locked_until end`, [now, MAX_FAILED_LOGINS, now]),
    last_failed_login_at: now,
  });
}

/**
 * Password login → a short-lived HS256 JWT whose subject is the username. Every attempt is
 * recorded (auth.login); after MAX_FAILED_LOGINS consecutive wrong passwords the account
 * refuses sign-in for LOGIN_LOCKOUT_MINUTES (429), a successful sign-in resets the count.
 */
export async function issueToken(
  ctx: AnonymousContext,
  jwtKey: Uint8Array,
  opts: { issuer: string; ttlSeconds: number },
  username: string,
  password: string,
) {
  const { db, requestId, now } = ctx;
  const row: UserRow | undefined = await db('users').where({ username }).first();
  const fail = async (reason: string, error: AppError) => {
    // An unknown username is not stored: it may be a password typed in the wrong field.
    await recordEvent(db, {
      actor: UNIDENTIFIED_CALLER, requestId, entityType: 'user', entityId: row?.id ?? 'unknown', action: 'auth.login', outcome: 'failure', reason,
    });
    return error;
  };
  const invalid = () => new AppError('INVALID_CREDENTIALS', 'wrong username or password, or the account is disabled');
  if (row && isLocked(row, now)) throw await fail('locked', lockedError());
  // Hash even for an unknown user, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!row) throw await fail('unknown user', invalid());
  if (!ok) {
    await countFailedLogin(db, row.id, now);
    throw await fail('wrong password', invalid());
  }
  if (row.status !== 'active') throw await fail('disabled', invalid());
  await db.transaction(async (trx) => {
    await trx('users').where('id', row.id).update({ failed_logins: 0, last_failed_login_at: null, locked_until: null });
    await recordEvent(trx, { actor: principalOf(row), requestId, entityType: 'user', entityId: row.id, action: 'auth.login' });
  });
  const accessToken = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(row.username)
    .setIssuer(opts.issuer)
    // iat from the request's clock, as password_changed_at is: the session rule compares the two.
    // exp stays wall-clock time + TTL: jose checks it against the wall clock (infrastructure).
    .setIssuedAt(now)
    .setExpirationTime(`${opts.ttlSeconds}s`)
    .sign(jwtKey);
  return { accessToken, tokenType: 'Bearer' as const, expiresIn: opts.ttlSeconds };
}
