import type { FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import type { Actor } from './audit/events.js';
import type { Principal } from './identity/principal.js';

/**
 * What every use case runs with: where (db), for whom (actor), at what time (now) and for which
 * request (requestId, written to the audit trail). Built once per request (requestContext) or
 * per job (jobContext). Every rule that depends on time — validity, quotas, deadlines, lockouts,
 * last use, session ends — reads `now` from here, so tests drive time through one clock.
 */
export interface Context<A extends Actor = Actor> {
  db: Knex;
  actor: A;
  now: Date;
  requestId?: string;
}

/** Before sign-in (issuing a token): no actor yet. */
export type AnonymousContext = Omit<Context, 'actor'>;

/** A signed-in caller's context: the route's principal, the app's clock read once. */
export type RequestContext = Context<Principal>;

/**
 * The context of one request, for route handlers (`ctx(request)`). The clock is read once here,
 * so every rule of one request sees the same instant. On a public route without sign-in the
 * actor is request.principal's null, as before; the services of those routes allow for it.
 */
export function requestContext(request: FastifyRequest): RequestContext {
  const app = request.server;
  return { db: app.db, actor: request.principal, now: app.clock(), requestId: request.id };
}
export { requestContext as ctx };

/** The scheduler's sweeps: every change they make is recorded as the scheduler's. */
export const schedulerContext = (db: Knex, now: Date): Context => jobContext(db, now, { kind: 'scheduler' });

/** A command of the sharehub CLI (and first-run set-up): recorded as the CLI's, at the process clock read once. */
export const cliContext = (db: Knex, now: Date = new Date()): Context<{ kind: 'cli' }> => ({ db, actor: { kind: 'cli' }, now });

/** The context of one job run: the scheduler's or worker's actor, the process clock read once. */
export function jobContext(db: Knex, now: Date, actor: Actor = { kind: 'worker' }): Context {
  return { db, actor, now };
}
