import { createHmac } from 'node:crypto';
import pg from 'pg';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createDb, migrateLatest } from '../db.js';
import { ensureEventPartitions, PARTITIONS_AHEAD } from '../modules/audit/retention.js';

// Database roles (issue 11 §2): the audit trail is append-only by *grants*, not only by triggers.
// A table's owner can always change it (and drop its triggers), so the hub runs as a role that
// owns nothing:
//   owner role (DATABASE_OWNER_URL)  owns the schema, runs migrations, grants the app role;
//   app role   (DATABASE_URL)        SELECT/INSERT/UPDATE/DELETE on the hub's tables, but on the
//                                    audit trail SELECT and INSERT only: no UPDATE, DELETE,
//                                    TRUNCATE, and it cannot drop or alter any table.
// The embedded default (`sharehub start` without DATABASE_URL) sets this up itself: the cluster's
// superuser `sharehub` creates `sharehub_owner` and `sharehub_app` (passwords derived from the
// superuser's, which lives in the data directory) and hands the database to the owner.
// A deployment does the same once, as its DBA (README, "Database roles").

/**
 * The trail: what the app role may only read and append to. The monthly partitions of `events`
 * are owned by the owner too: only it may drop one (the retention, src/modules/audit/retention.ts).
 */
export const APPEND_ONLY_TABLES = ['events', 'event_leaves', 'audit_nodes', 'tree_heads', 'tree_head_cosignatures', 'audit_retention_drops'] as const;

export const EMBEDDED_OWNER_ROLE = 'sharehub_owner';
export const EMBEDDED_APP_ROLE = 'sharehub_app';

/** The role a connection URL signs in as. */
export const roleOf = (url: string) => decodeURIComponent(new URL(url).username);

/**
 * Run as the owner after migrating: the app role may use every table, sequence and function of
 * the schema, but on the audit trail (and each partition of it) only SELECT and INSERT.
 * Idempotent; run at every start so tables added by new migrations are covered.
 */
export async function grantAppRole(owner: Knex, appRole: string): Promise<void> {
  const role = owner.raw('??', [appRole]).toQuery();
  await owner.raw(`
    grant usage on schema public to ${role};
    grant select, insert, update, delete on all tables in schema public to ${role};
    grant usage, select on all sequences in schema public to ${role};
    grant execute on all functions in schema public to ${role};
    revoke insert, update, delete, truncate on knex_migrations, knex_migrations_lock from ${role};
  `);
  const { rows } = await owner.raw(`
    select c.oid::regclass::text as name from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and (c.relname = any(?) or c.oid in (select inhrelid from pg_inherits where inhparent = any(?::regclass[])))`,
  [[...APPEND_ONLY_TABLES], [...APPEND_ONLY_TABLES]]) as { rows: { name: string }[] };
  for (const { name } of rows) {
    await owner.raw(`revoke update, delete, truncate, references, trigger on ${name} from ${role}, public`);
  }
}

/** True when `role` could rewrite the trail: it owns the events table or is a superuser. */
export async function canRewriteTrail(db: Knex): Promise<boolean> {
  const { rows } = await db.raw(`
    select (select rolsuper from pg_roles where rolname = current_user)
        or pg_has_role(current_user, (select relowner from pg_class where oid = 'public.events'::regclass), 'USAGE') as can`);
  return rows[0].can === true;
}

const derivedPassword = (superPassword: string, role: string) => createHmac('sha256', superPassword).update(`sharehub role ${role}`).digest('base64url');

/**
 * The embedded cluster's roles: from the superuser's URL, makes (or refreshes) the owner and app
 * roles, gives the database and everything in its public schema to the owner (a data directory
 * from before this change had them owned by the superuser), and returns both URLs.
 */
export async function ensureEmbeddedRoles(superUrl: string, log: Logger): Promise<{ ownerUrl: string; appUrl: string }> {
  const url = new URL(superUrl);
  const superRole = decodeURIComponent(url.username);
  const superPassword = decodeURIComponent(url.password);
  const database = url.pathname.slice(1);
  const client = new pg.Client({ connectionString: superUrl });
  client.on('error', () => undefined);
  await client.connect();
  const id = (s: string) => client.escapeIdentifier(s);
  try {
    for (const role of [EMBEDDED_OWNER_ROLE, EMBEDDED_APP_ROLE]) {
      const exists = (await client.query('select 1 from pg_roles where rolname = $1', [role])).rowCount! > 0;
      const password = client.escapeLiteral(derivedPassword(superPassword, role));
      await client.query(`${exists ? 'alter' : 'create'} role ${id(role)} with login nosuperuser nocreatedb nocreaterole password ${password}`);
    }
    await client.query(`alter database ${id(database)} owner to ${id(EMBEDDED_OWNER_ROLE)}`);
    await client.query(`alter schema public owner to ${id(EMBEDDED_OWNER_ROLE)}`);
    const { rows } = await client.query<{ sql: string }>(`
      select format('alter table %s owner to %I', c.oid::regclass, $2::text) as sql from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm') and c.relowner = (select oid from pg_roles where rolname = $1)
      union all
      select format('alter sequence %s owner to %I', c.oid::regclass, $2::text) from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'S' and c.relowner = (select oid from pg_roles where rolname = $1)
          and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))
      union all
      select format('alter function %s owner to %I', p.oid::regprocedure, $2::text) from pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.proowner = (select oid from pg_roles where rolname = $1)`,
    [superRole, EMBEDDED_OWNER_ROLE]);
    for (const { sql } of rows) await client.query(sql);
    if (rows.length) log.info({ objects: rows.length }, `handed the embedded database's objects to ${EMBEDDED_OWNER_ROLE}`);
  } finally {
    await client.end();
  }
  const as = (role: string) => {
    const u = new URL(superUrl);
    u.username = role;
    u.password = derivedPassword(superPassword, role);
    return u.toString();
  };
  return { ownerUrl: as(EMBEDDED_OWNER_ROLE), appUrl: as(EMBEDDED_APP_ROLE) };
}

/**
 * Migrations as the owner (DATABASE_OWNER_URL, else DATABASE_URL's role), then the app role's
 * grants when the two differ. Returns the migrations applied.
 */
export async function migrateAndGrant(config: { DATABASE_URL: string; DATABASE_OWNER_URL?: string }, log: Logger): Promise<string[]> {
  const owner = createDb(config.DATABASE_OWNER_URL ?? config.DATABASE_URL, { max: 1 });
  try {
    const applied = await migrateLatest(owner);
    // The audit trail's monthly partitions for the months ahead (the retention job makes them too).
    const now = new Date();
    try {
      const made = await ensureEventPartitions(owner, now, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + PARTITIONS_AHEAD, 1)));
      if (made.created.length) log.debug({ partitions: made.created }, 'made the monthly partitions of the audit trail');
    } catch (err) {
      // Not the owner: events of months without a partition go to events_default meanwhile.
      log.warn({ err: { message: (err as Error).message } }, 'could not make the audit trail\'s monthly partitions (run as the owner role)');
    }
    if (config.DATABASE_OWNER_URL) {
      await grantAppRole(owner, roleOf(config.DATABASE_URL));
      log.debug({ role: roleOf(config.DATABASE_URL) }, 'granted the app role its privileges (the audit trail: select and insert only)');
    }
    return applied;
  } finally {
    await owner.destroy();
  }
}
