import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/errors.js';
import { bulkLoadRecords, MAX_LINE_BYTES, MAX_REPORTED_ERRORS, type BulkLoadRequest } from '../../../src/modules/exchange/bulk-load.js';
import { getRecord, getRecordHistory, type RecordTarget } from '../../../src/modules/exchange/records-repository.js';
import { ndjson, NOW, personId, setUpRecordsDb, type RecordsDb } from './records-fixtures.js';

const line = (record: Record<string, unknown>) => JSON.stringify(record);

describe('bulk loading of hosted records (NDJSON)', () => {
  let t: RecordsDb;
  beforeAll(async () => {
    t = await setUpRecordsDb();
  });
  afterAll(async () => t.db.destroy());

  const load = (target: RecordTarget, body: Readable, extra: Partial<BulkLoadRequest> = {}, batchSize?: number) =>
    bulkLoadRecords(t.db, t.keyring, { ...target, systemId: t.systemId, now: NOW, body, ...extra }, { batchSize });

  const tableState = async (resourceId: string) => ({
    records: await t.db('records').where({ resource_id: resourceId }).orderBy('subject_hash').select('subject_hash', 'sealed', 'updated_at', 'deleted_at'),
    history: await t.db('record_history').where({ resource_id: resourceId }).orderBy('id').select('id'),
  });

  it('loads the good lines and reports every bad one by line number, field and problem, without its values', async () => {
    const target = await t.newResource();
    const [a, b, c] = [personId(101), personId(102), personId(103)];
    const badId = `${a.slice(0, 17)}${a.endsWith('0') ? '1' : '0'}`; // wrong check character
    const body = Buffer.concat([
      Buffer.from([
        line({ id_number: a, name: '测试一', income: 12.5 }), //                                    1 good
        '{"id_number": ', //                                                                        2 not JSON
        line({ id_number: badId, name: '测试二' }), //                                               3 bad checksum
        '', //                                                                                      4 blank: skipped
        line({ id_number: b, name: '测试三', nickname: '小三', birth_date: '1999-02-30' }), //     5 two problems
        line({ name: '无号' }), //                                                                   6 subject key missing
        '[1,2]', //                                                                                 7 not an object
        line({ id_number: c.toLowerCase(), address: '虚构地址' }), //                               8 good (x → X)
      ].join('\n') + '\n'),
      Buffer.from([0xff, 0xfe, 0x0a]), //                                                           9 not UTF-8
      Buffer.from(`${line({ id_number: b, name: '测试三' })}\r\n`), //                             10 good, CRLF
    ]);
    const reply = await load(target, Readable.from([body]), {}, 2);

    expect(reply).toMatchObject({ received: 9, inserted: 3, updated: 0, unchanged: 0, rejected: 6, errorsTruncated: false });
    expect(reply.errors).toEqual([
      { line: 2, field: '', problem: 'is not valid JSON' },
      { line: 3, field: 'id_number', problem: expect.stringMatching(/GB 11643/) },
      { line: 5, field: 'nickname', problem: 'is not a data item of this resource' },
      { line: 5, field: 'birth_date', problem: expect.any(String) },
      { line: 6, field: 'id_number', problem: expect.stringMatching(/required/) },
      { line: 7, field: '', problem: 'a record must be a JSON object' },
      { line: 9, field: '', problem: 'is not valid UTF-8' },
    ]);
    expect(JSON.stringify(reply)).not.toMatch(new RegExp(`${badId}|小三|1999-02-30|测试`));

    expect((await getRecord(t.db, t.keyring, target.resourceId, 'id_number', a))?.record).toEqual({ id_number: a, name: '测试一', income: '12.50' });
    expect((await getRecord(t.db, t.keyring, target.resourceId, 'id_number', c))?.record).toEqual({ id_number: c, address: '虚构地址' });
    expect((await getRecord(t.db, t.keyring, target.resourceId, 'id_number', b))?.record).toEqual({ id_number: b, name: '测试三' });
  });

  it('rejects an over-long line without keeping it, and reads lines split across chunks', async () => {
    const target = await t.newResource();
    const good = line({ id_number: personId(111), name: '测试长' });
    const chunks = [`${good.slice(0, 5)}`, `${good.slice(5)}\n{"name":"`, 'x'.repeat(MAX_LINE_BYTES), '"}\n', good.replace('测试长', '测试短')];
    const reply = await load(target, Readable.from(chunks.map((c) => Buffer.from(c))));
    expect(reply).toMatchObject({ received: 3, inserted: 1, updated: 1, rejected: 1 });
    expect(reply.errors).toEqual([{ line: 2, field: '', problem: `is longer than ${MAX_LINE_BYTES} bytes` }]);
  });

  it('loads a subject named twice in order (the later line wins, the earlier goes to history); a reload is unchanged', async () => {
    const target = await t.newResource();
    const ids = Array.from({ length: 7 }, (_, i) => personId(200 + i));
    const lines = [...ids.map((id) => line({ id_number: id, name: '测试初' })), line({ id_number: ids[0], name: '测试改' })];
    expect(await load(target, ndjson(lines), {}, 3)).toMatchObject({ received: 8, inserted: 7, updated: 1, unchanged: 0, rejected: 0 });
    expect((await getRecord(t.db, t.keyring, target.resourceId, 'id_number', ids[0]!))?.record.name).toBe('测试改');
    expect((await getRecordHistory(t.db, t.keyring, target.resourceId, 'id_number', ids[0]!)).map((h) => h.record.name)).toEqual(['测试初']);

    const before = await tableState(target.resourceId);
    expect(await load(target, ndjson(lines), { now: new Date(NOW.getTime() + 60_000) }, 3))
      .toMatchObject({ received: 8, inserted: 0, updated: 2, unchanged: 6 });
    // Only the subject named twice changed (改 → 初 → 改 again); no history for the unchanged ones.
    const after = await tableState(target.resourceId);
    expect(after.history).toHaveLength(before.history.length + 2);
  });

  it('answers a retried Idempotency-Key with the first reply and changes nothing', async () => {
    const target = await t.newResource();
    const lines = [line({ id_number: personId(301), name: '测试幂' }), 'oops', line({ id_number: personId(302), name: '测试等' })];
    const first = await load(target, ndjson(lines), { idempotencyKey: 'load-2026-11-29-a' });
    expect(first).toMatchObject({ received: 3, inserted: 2, rejected: 1 });
    const before = await tableState(target.resourceId);

    // Meanwhile a record changes; the retry must not put the old values back.
    await load(target, ndjson([line({ id_number: personId(301), name: '测试新' })]));
    const changed = await tableState(target.resourceId);
    expect(changed).not.toEqual(before);

    const retry = await load(target, ndjson(lines), { idempotencyKey: 'load-2026-11-29-a', now: new Date(NOW.getTime() + 3_600_000) });
    expect(retry).toEqual(first);
    expect(await tableState(target.resourceId)).toEqual(changed);
    expect((await getRecord(t.db, t.keyring, target.resourceId, 'id_number', personId(301)))?.record.name).toBe('测试新');

    // The key is the system's own for this resource: another system may use the same key.
    const other = await load(target, ndjson(lines), { idempotencyKey: 'load-2026-11-29-a', systemId: t.otherSystemId });
    expect(other).toMatchObject({ received: 3, inserted: 0, updated: 1, unchanged: 1 });
  });

  it('refuses the same Idempotency-Key with a different body (409 CONFLICT) and writes nothing', async () => {
    const target = await t.newResource();
    await load(target, ndjson([line({ id_number: personId(401), name: '测试原' })]), { idempotencyKey: 'k-1' });
    const before = await tableState(target.resourceId);
    const err = await load(target, ndjson([line({ id_number: personId(402), name: '测试异' })]), { idempotencyKey: 'k-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'CONFLICT', status: 409, extra: { reason: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await tableState(target.resourceId)).toEqual(before);
    expect(await getRecord(t.db, t.keyring, target.resourceId, 'id_number', personId(402))).toBeUndefined();
  });

  it('refuses an Idempotency-Key a header could not carry (400) before reading the body', async () => {
    const target = await t.newResource();
    for (const key of ['', 'with space', 'x'.repeat(129), '键']) {
      await expect(load(target, ndjson([line({ id_number: personId(450), name: '测试键' })]), { idempotencyKey: key }))
        .rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    }
    expect(await t.db('records').where({ resource_id: target.resourceId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('is all-or-nothing on failure: a body cut off half way leaves no record and no stored reply, and can be sent again', async () => {
    const target = await t.newResource();
    const lines = Array.from({ length: 10 }, (_, i) => line({ id_number: personId(500 + i), name: '测试断' }));
    async function* cutOff() {
      yield Buffer.from(lines.slice(0, 6).join('\n') + '\n');
      throw new Error('connection reset by peer');
    }
    await expect(load(target, Readable.from(cutOff()), { idempotencyKey: 'k-cut' }, 2)).rejects.toThrow(/connection reset/);
    expect(await t.db('records').where({ resource_id: target.resourceId }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db('bulk_loads').where({ resource_id: target.resourceId }).count({ n: '*' })).toEqual([{ n: 0 }]);

    expect(await load(target, ndjson(lines), { idempotencyKey: 'k-cut' }, 2)).toMatchObject({ received: 10, inserted: 10 });
  });

  it('caps the listed problems but counts every rejected line', async () => {
    const target = await t.newResource();
    const lines = Array.from({ length: MAX_REPORTED_ERRORS + 5 }, () => '{}');
    const reply = await load(target, ndjson(lines));
    expect(reply).toMatchObject({ received: MAX_REPORTED_ERRORS + 5, rejected: MAX_REPORTED_ERRORS + 5, errorsTruncated: true });
    expect(reply.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(reply.errors.at(-1)).toMatchObject({ line: MAX_REPORTED_ERRORS });
  });
});
