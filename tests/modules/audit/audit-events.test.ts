import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { createAccessAppender, type AccessEvent } from '../../../src/modules/audit/access-events.js';
import { recordKeyId, subjectHash } from '../../../src/modules/exchange/record-keys.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

// The auditors' view: filters (the subject through its keyed hash), keyset pages, streaming CSV,
// what platform admins may see, and reading as an event of its own.

const PERSON_A = '11010519491231002X';
const PERSON_B = '440524188001010014';

describe('GET /v1/audit/events', () => {
  const w = useWorld();
  const f = useFixture(async () => {
    const keys = deriveKeys(w.ctx.config.SHAREHUB_SECRET_KEY);
    const key = { id: recordKeyId(keys), keys };
    const systemId = randomUUID();
    const resourceId = randomUUID();
    const base = (subject: string, i: number): AccessEvent => ({
      systemId, departmentCode: w.consumer.code, action: i % 3 === 0 ? 'record.batch_read' : 'record.read', resourceId, grantId: randomUUID(),
      subjectHash: subjectHash(key, subject), subjectMasked: `${subject.slice(0, 6)}********${subject.slice(-4)}`, fields: ['name'],
      serviceItemCode: 'S-1', caseId: `case-${i}`, operatorId: 'op-1', outcome: i === 4 ? 'failure' : 'success', reason: i === 4 ? 'GRANT_EXPIRED' : null,
      requestId: randomUUID(), latencyMs: 3, occurredAt: new Date(Date.UTC(2026, 10, 1 + i, 2)),
    });
    const appender = createAccessAppender(w.ctx.db);
    const ids = await appender.append([0, 1, 2, 3, 4, 5].map((i) => base(i % 2 === 0 ? PERSON_A : PERSON_B, i)));
    await appender.close();
    return { systemId, resourceId, ids: ids.map(Number) };
  });
  const list = async (query: string, headers = w.auditor) => w.ctx.app.inject({ method: 'GET', url: `/v1/audit/events?${query}`, headers });

  it('filters by subject id through its keyed hash, by case, system, resource, department, action, outcome and time', async () => {
    const bySubject = (await list(`subjectId=${PERSON_A}`)).json();
    expect(bySubject.items.map((e: { id: number }) => e.id).sort()).toEqual([f.ids[0], f.ids[2], f.ids[4]].sort());
    expect(JSON.stringify(bySubject)).not.toContain(PERSON_A);
    expect(bySubject.items[0]).toMatchObject({ subjectMasked: '110105********002X', fields: ['name'], serviceItemCode: 'S-1', seq: null });
    // A lower-case x is the same person.
    expect((await list(`subjectId=${PERSON_A.toLowerCase()}`)).json().items).toHaveLength(3);
    expect((await list('caseId=case-3')).json().items.map((e: { id: number }) => e.id)).toEqual([f.ids[3]]);
    expect((await list(`system=${f.systemId}`)).json().items).toHaveLength(6);
    expect((await list(`resource=${f.resourceId}&action=record.batch_read`)).json().items.map((e: { id: number }) => e.id)).toEqual([f.ids[3], f.ids[0]]);
    expect((await list(`department=${w.consumer.code}&outcome=failure`)).json().items.map((e: { id: number }) => e.id)).toEqual([f.ids[4]]);
    expect((await list(`system=${f.systemId}&from=2026-11-02T00:00:00Z&to=2026-11-04T00:00:00Z`)).json().items.map((e: { id: number }) => e.id))
      .toEqual([f.ids[2], f.ids[1]]);
    expect((await list('outcome=maybe')).statusCode).toBe(400);
    expect((await list('cursor=not-a-cursor')).statusCode).toBe(400);
  });

  it('pages with keyset cursors, newest first, without repeats', async () => {
    const all = (await list(`system=${f.systemId}&limit=200`)).json().items.map((e: { id: number }) => e.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: number }[]; nextCursor: string | null } = (await list(`system=${f.systemId}&limit=4${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((e: { id: number }) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all).toEqual([...f.ids].reverse());
  });

  it('streams CSV of every match', async () => {
    const res = await list(`system=${f.systemId}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toMatch(/^id,seq,occurredAt,/);
    expect(lines).toHaveLength(7);
    expect(lines[1]).toContain(String(f.ids[5]));
    expect(lines[1]).toContain('"[""name""]"');
  });

  it('platform admins see share-request and data-access events, not the auditors\' reads; reading is an event', async () => {
    await list('limit=1');
    const auditorView = (await list('action=audit.events_read&limit=200')).json().items;
    expect(auditorView.length).toBeGreaterThan(0);
    expect(auditorView[0]).toMatchObject({ entityType: 'audit', actorKind: 'user' });
    expect(JSON.stringify(auditorView)).not.toContain(PERSON_A);
    const admin = (await list('limit=200', w.admin)).json().items as { entityType: string; action: string }[];
    expect(admin.length).toBeGreaterThanOrEqual(6);
    expect(admin.every((e) => e.entityType === 'application' || e.entityType === 'grant' || e.action.startsWith('record.'))).toBe(true);
    expect((await list('action=audit.events_read', w.admin)).json().items).toEqual([]);
    // Auditors see the admin's read too.
    expect((await list('action=audit.events_read&limit=200')).json().items.length).toBeGreaterThan(auditorView.length);
    expect((await list('', w.consumer.admin)).statusCode).toBe(403);
    expect((await w.ctx.app.inject({ method: 'GET', url: '/v1/audit/events' })).statusCode).toBe(401);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect((await w.ctx.app.inject({ method, url: '/v1/audit/events', headers: w.auditor, payload: {} })).statusCode).toBe(404);
    }
  });
});
