import type { Knex } from 'knex';
import type { Principal } from '../identity/principal.js';

export type Actor = Principal | { kind: 'scheduler' | 'worker' | 'cli' };

/**
 * A data subject signed in at the identity provider (its own access log): on the trail as its
 * keyed HMAC-SM3 (hex) only, never the plain id.
 */
export type SubjectActor = { kind: 'subject'; subjectHash: string };

export interface NewEvent {
  actor: Actor | SubjectActor;
  entityType: 'department' | 'user' | 'system' | 'resource' | 'application' | 'grant' | 'calendar' | 'message' | 'audit';
  entityId: string;
  entityVersion?: number;
  action: string;
  outcome?: 'success' | 'failure';
  reason?: string | null;
  requestId?: string;
  /** Ids and decisions only: never personal data. */
  details?: Record<string, unknown>;
}

/**
 * Appends one event to the trail. Call it with the transaction that makes the change, so the
 * change and its record commit together or not at all.
 */
export async function recordEvent(trx: Knex | Knex.Transaction, e: NewEvent): Promise<number> {
  const actorId = 'userId' in e.actor ? e.actor.userId : 'systemId' in e.actor ? e.actor.systemId : 'subjectHash' in e.actor ? e.actor.subjectHash : null;
  const actorDepartment = 'departmentCode' in e.actor ? e.actor.departmentCode : null;
  const [row] = await trx('events')
    .insert({
      actor_kind: e.actor.kind,
      actor_id: actorId,
      actor_department: actorDepartment,
      entity_type: e.entityType,
      entity_id: e.entityId,
      entity_version: e.entityVersion ?? null,
      action: e.action,
      outcome: e.outcome ?? 'success',
      reason: e.reason ?? null,
      request_id: e.requestId ?? null,
      details: JSON.stringify(e.details ?? {}),
    })
    .returning('id');
  return Number(row.id);
}
