import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/db.js';
import { createAccessAppender, MAX_BATCH, type AccessEvent } from '../../../src/modules/audit/access-events.js';
import { createTestDatabase } from '../../helpers/test-app.js';

const NOW = new Date('2026-11-29T08:00:00.000Z');

function event(requestId: string, over: Partial<AccessEvent> = {}): AccessEvent {
  return {
    systemId: randomUUID(), departmentCode: '11330100MB0000202', action: 'record.read', resourceId: randomUUID(), grantId: randomUUID(),
    subjectHash: createHmac('sm3', 'test key').update(requestId).digest(), subjectMasked: '330106********1234',
    fields: ['id_number', 'name'], serviceItemCode: '330100-000-XK-00123', caseId: 'CASE-1', operatorId: 'op-7',
    outcome: 'success', reason: null, requestId, latencyMs: 3, occurredAt: NOW, ...over,
  };
}

describe('access event appender (group commit)', () => {
  let db: Db;
  /** A second pool: what it sees is committed. */
  let observer: Db;
  beforeAll(async () => {
    const url = await createTestDatabase();
    db = createDb(url, { max: 4 });
    observer = createDb(url, { max: 1 });
  });
  afterAll(async () => {
    await db.destroy();
    await observer.destroy();
  });

  const rowsOf = (requestIds: string[]) => observer('events').whereIn('request_id', requestIds)
    .select('id', 'request_id', 'xmin', 'occurred_at', 'actor_kind', 'actor_id', 'actor_department', 'entity_type', 'entity_id', 'action', 'outcome', 'reason',
      'resource_id', 'grant_id', 'subject_hash', 'subject_masked', 'fields', 'service_item_code', 'case_id', 'operator_id', 'latency_ms');

  it('resolves each event with its id only once the event is committed, every column as given', async () => {
    const appender = createAccessAppender(db);
    const invalid = event(`r-${randomUUID()}`, { subjectHash: null, subjectMasked: '******', outcome: 'failure', reason: 'INVALID_SUBJECT_ID', grantId: null, fields: [] });
    const read = event(`r-${randomUUID()}`);
    const [ids, [invalidId]] = await Promise.all([appender.append([read]), appender.append([invalid])]);
    // Visible to another connection the moment the promise resolves: committed, not merely inserted.
    const rows = await rowsOf([read.requestId, invalid.requestId]);
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    expect(byId.get(ids[0]!)).toMatchObject({
      request_id: read.requestId, occurred_at: NOW, actor_kind: 'system', actor_id: read.systemId, actor_department: read.departmentCode,
      entity_type: 'resource', entity_id: read.resourceId, action: 'record.read', outcome: 'success', reason: null, resource_id: read.resourceId,
      grant_id: read.grantId, subject_hash: read.subjectHash, subject_masked: read.subjectMasked, fields: ['id_number', 'name'],
      service_item_code: read.serviceItemCode, case_id: 'CASE-1', operator_id: 'op-7', latency_ms: 3,
    });
    expect(byId.get(invalidId!)).toMatchObject({ request_id: invalid.requestId, subject_hash: null, grant_id: null, fields: [], outcome: 'failure', reason: 'INVALID_SUBJECT_ID' });
    await appender.close();
  });

  it('writes the events of concurrent requests in one insert (one transaction) and gives each its own id, in order', async () => {
    const appender = createAccessAppender(db);
    const requests = Array.from({ length: 40 }, (_, i) => Array.from({ length: 1 + (i % 3) }, (_, j) => event(`g-${i}-${j}-${randomUUID()}`)));
    const results = await Promise.all(requests.map((events) => appender.append(events)));
    const rows = await rowsOf(requests.flat().map((e) => e.requestId));
    expect(rows).toHaveLength(requests.flat().length);
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
    const requestOf = new Map(rows.map((r) => [String(r.id), r.request_id]));
    requests.forEach((events, i) => expect(results[i]!.map((id) => requestOf.get(id))).toEqual(events.map((e) => e.requestId)));
    await appender.close();
  });

  it('a failed insert rejects every request of its batch and writes none of it; the next batch is written', async () => {
    const appender = createAccessAppender(db);
    const good = event(`ok-${randomUUID()}`);
    // subject_masked is varchar(18): this event makes its whole insert fail.
    const bad = event(`bad-${randomUUID()}`, { subjectMasked: '*'.repeat(19) });
    const outcomes = await Promise.allSettled([appender.append([good]), appender.append([bad])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await rowsOf([good.requestId, bad.requestId])).toEqual([]);

    const after = event(`after-${randomUUID()}`);
    const [id] = await appender.append([after]);
    expect((await rowsOf([after.requestId])).map((r) => String(r.id))).toEqual([id]);
    await appender.close();
  });

  it(`splits more than ${MAX_BATCH} events into several inserts, each event answered once`, async () => {
    const appender = createAccessAppender(db);
    const events = Array.from({ length: MAX_BATCH + 500 }, (_, i) => event(`big-${i}-${randomUUID()}`));
    const ids = await appender.append(events);
    expect(new Set(ids).size).toBe(events.length);
    const rows = await rowsOf(events.map((e) => e.requestId));
    expect(rows).toHaveLength(events.length);
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(2);
    await appender.close();
  });

  it('close() writes what is queued and then refuses new events', async () => {
    const appender = createAccessAppender(db);
    const queued = event(`q-${randomUUID()}`);
    const pending = appender.append([queued]);
    await appender.close();
    expect(await rowsOf([queued.requestId])).toHaveLength(1);
    await expect(pending).resolves.toHaveLength(1);
    await expect(appender.append([event('late')])).rejects.toThrow('closed');
  });
});
