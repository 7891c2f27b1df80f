import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { recordKeyring, subjectHash } from '../../../src/modules/exchange/record-keys.js';
import {
  getRecord,
  getRecordHistory,
  getRecords,
  tombstoneRecord,
  upsertRecord,
} from '../../../src/modules/exchange/records-repository.js';
import { newMasterKey, NOW, personId, setUpRecordsDb, type RecordsDb } from './records-fixtures.js';

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describe('hosted records repository', () => {
  let t: RecordsDb;
  beforeAll(async () => {
    t = await setUpRecordsDb();
  });
  afterAll(async () => t.db.destroy());

  it('inserts, replaces with history, and leaves an equal reload alone', async () => {
    const target = await t.newResource();
    const id = personId(1);
    const v1 = { id_number: id, name: '测试甲', birth_date: '1950-01-02', address: '虚构省虚构市一路1号', income: '1000.00' };
    const v2 = { ...v1, address: '虚构省虚构市二路2号' };

    expect(await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, id, v1)).toBe('inserted');
    expect(await upsertRecord(t.db, t.keyring, target, { systemId: t.otherSystemId, now: later(1) }, id, v2)).toBe('updated');
    // Same values, keys in another order: nothing is written.
    const reordered = { income: '1000.00', address: '虚构省虚构市二路2号', name: '测试甲', birth_date: '1950-01-02', id_number: id };
    expect(await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: later(2) }, id, reordered)).toBe('unchanged');

    const got = await getRecord(t.db, t.keyring, target.resourceId, 'id_number', id);
    expect(got).toMatchObject({
      subjectId: id, subjectMasked: `${id.slice(0, 6)}********${id.slice(-4)}`, record: v2,
      resourceVersion: 1, loadedBy: t.otherSystemId, loadedAt: later(1), updatedAt: later(1),
    });

    const history = await getRecordHistory(t.db, t.keyring, target.resourceId, 'id_number', id);
    expect(history).toEqual([{
      subjectMasked: got!.subjectMasked, record: v1, resourceVersion: 1, loadedBy: t.systemId, loadedAt: NOW,
      change: 'replaced', changedBy: t.otherSystemId, changedAt: later(1),
    }]);
  });

  it('tombstones: the record is gone for readers, its last values stay in history, and a reload brings it back', async () => {
    const target = await t.newResource();
    const id = personId(2);
    const v1 = { id_number: id, name: '测试乙', address: '虚构路3号' };
    await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, id, v1);

    expect(await tombstoneRecord(t.db, t.keyring, target.resourceId, { systemId: t.otherSystemId, now: later(5) }, id)).toBe(true);
    expect(await getRecord(t.db, t.keyring, target.resourceId, 'id_number', id)).toBeUndefined();
    expect((await getRecords(t.db, t.keyring, target.resourceId, 'id_number', [id])).size).toBe(0);
    // Deleting what is already deleted changes nothing.
    expect(await tombstoneRecord(t.db, t.keyring, target.resourceId, { systemId: t.systemId, now: later(6) }, id)).toBe(false);
    expect(await getRecordHistory(t.db, t.keyring, target.resourceId, 'id_number', id)).toEqual([
      expect.objectContaining({ record: v1, loadedBy: t.systemId, change: 'deleted', changedBy: t.otherSystemId, changedAt: later(5) }),
    ]);

    // Loading the same values again revives the record; the deleted version is in history once.
    expect(await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: later(7) }, id, v1)).toBe('updated');
    expect((await getRecord(t.db, t.keyring, target.resourceId, 'id_number', id))?.record).toEqual(v1);
    expect(await getRecordHistory(t.db, t.keyring, target.resourceId, 'id_number', id)).toHaveLength(1);
  });

  it('reads a batch of subjects in one call: found ones only, each resource apart', async () => {
    const a = await t.newResource();
    const b = await t.newResource();
    const [p1, p2, p3, p4] = [personId(11), personId(12), personId(13), personId(14)];
    for (const id of [p1, p2, p3]) await upsertRecord(t.db, t.keyring, a, { systemId: t.systemId, now: NOW }, id, { id_number: id, name: `测试${id.slice(-2)}` });
    await upsertRecord(t.db, t.keyring, b, { systemId: t.systemId, now: NOW }, p4, { id_number: p4, name: '测试丁' });
    await tombstoneRecord(t.db, t.keyring, a.resourceId, { systemId: t.systemId, now: NOW }, p3);

    const found = await getRecords(t.db, t.keyring, a.resourceId, 'id_number', [p1, p2, p3, p4]);
    expect([...found.keys()].sort()).toEqual([p1, p2].sort());
    expect(found.get(p2)?.record).toEqual({ id_number: p2, name: `测试${p2.slice(-2)}` });
    expect(await getRecord(t.db, t.keyring, b.resourceId, 'id_number', p1)).toBeUndefined();
    expect((await getRecords(t.db, t.keyring, a.resourceId, 'id_number', [])).size).toBe(0);
  });

  it('keeps neither the plain subject id nor any highly_sensitive value in the tables', async () => {
    const target = await t.newResource();
    const id = personId(21);
    const secretAddress = '虚构省绝密街道99号';
    const secretIncome = '98765.43';
    await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, id, { id_number: id, name: '测试戊', address: secretAddress, income: secretIncome });
    await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: later(1) }, id, { id_number: id, name: '测试戊', address: `${secretAddress}B`, income: secretIncome });
    await tombstoneRecord(t.db, t.keyring, target.resourceId, { systemId: t.systemId, now: later(2) }, id);

    for (const table of ['records', 'record_history']) {
      const { rows } = await t.db.raw(`select t::text as dump from ${table} t where resource_id = ?`, [target.resourceId]) as { rows: { dump: string }[] };
      expect(rows.length).toBeGreaterThan(0);
      const dump = rows.map((r) => r.dump).join('\n');
      expect(dump).toContain('测试戊'); // the dump is real: a sensitive (not highly) item is there
      expect(dump).toContain(`${id.slice(0, 6)}********${id.slice(-4)}`);
      for (const secret of [id, id.slice(6, 14), secretAddress, '绝密', secretIncome, '98765']) expect(dump).not.toContain(secret);
    }
    // The hash is a keyed one: under another master key the same subject has another index.
    const other = recordKeyring(deriveKeys(newMasterKey()));
    expect(await getRecord(t.db, other, target.resourceId, 'id_number', id)).toBeUndefined();
  });

  it('refuses a sealed part moved to another row, and a row under a key it does not have', async () => {
    const target = await t.newResource();
    const [a, b] = [personId(31), personId(32)];
    await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, a, { id_number: a, address: '甲地' });
    await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, b, { id_number: b, address: '乙地' });
    const rows = await t.db('records').where({ resource_id: target.resourceId }).select('subject_hash', 'sealed') as { subject_hash: Buffer; sealed: string }[];
    // Swap the sealed parts: someone with write access to the table but not the key.
    await t.db('records').where({ resource_id: target.resourceId, subject_hash: rows[0]!.subject_hash }).update({ sealed: rows[1]!.sealed });
    const reads = await Promise.allSettled([a, b].map((id) => getRecord(t.db, t.keyring, target.resourceId, 'id_number', id)));
    const refused = reads.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/integrity check/);
    // The batch read, given the subjects' hashes (the query path computes them once), refuses it too.
    const hashes = new Map([a, b].map((id) => [id, subjectHash(t.keyring.current, id)]));
    await expect(getRecords(t.db, t.keyring, target.resourceId, 'id_number', [a, b], hashes)).rejects.toThrow(/integrity check/);
    await expect(getRecords(t.db, t.keyring, target.resourceId, 'id_number', [a, b])).rejects.toThrow(/integrity check/);

    // A key missing from the configuration is an error that names the key id, never "not found".
    await t.db('records').where({ resource_id: target.resourceId }).update({ key_id: '0000000000000000' });
    await expect(getRecord(t.db, t.keyring, target.resourceId, 'id_number', a)).rejects.toThrow(/0000000000000000, which is neither SHAREHUB_SECRET_KEY/);
  });

  it('serves the reads of one turn with one statement, each read its own answer; a transaction reads alone', async () => {
    const target = await t.newResource();
    const other = await t.newResource();
    const ids = [personId(41), personId(42), personId(43)];
    for (const id of ids) await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, id, { id_number: id, name: `测试${id.slice(-4)}`, address: '虚构路' });
    await upsertRecord(t.db, t.keyring, other, { systemId: t.systemId, now: NOW }, ids[0]!, { id_number: ids[0]!, name: '别处', address: '别处路' });

    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (q.sql.includes('from records')) statements.push(q.sql);
    };
    t.db.on('query', onQuery);
    try {
      const missing = personId(44);
      const [a, b, c, none, again, elsewhere] = await Promise.all([
        ...ids.map((id) => getRecord(t.db, t.keyring, target.resourceId, 'id_number', id)),
        getRecord(t.db, t.keyring, target.resourceId, 'id_number', missing),
        getRecord(t.db, t.keyring, target.resourceId, 'id_number', ids[1]!, subjectHash(t.keyring.current, ids[1]!)),
        getRecord(t.db, t.keyring, other.resourceId, 'id_number', ids[0]!),
      ]);
      expect([a, b, c].map((r) => r?.subjectId)).toEqual(ids);
      expect(c!.record).toEqual({ id_number: ids[2], name: `测试${ids[2]!.slice(-4)}`, address: '虚构路' });
      expect(none).toBeUndefined();
      expect(again!.subjectId).toBe(ids[1]);
      expect(elsewhere!.record).toMatchObject({ name: '别处', address: '别处路' });
      // One statement for the six reads of `target`'s five lookups, one for the other resource.
      expect(statements).toHaveLength(2);

      statements.length = 0;
      const inTrx = await t.db.transaction(async (trx) => {
        const read = [];
        for (const id of ids) read.push(await getRecord(trx, t.keyring, target.resourceId, 'id_number', id));
        return read;
      });
      expect(inTrx.map((r) => r?.subjectId)).toEqual(ids);
      expect(statements).toHaveLength(ids.length);
    } finally {
      t.db.off('query', onQuery);
    }
  });

  it('keeps history append-only', async () => {
    const target = await t.newResource();
    const id = personId(41);
    await upsertRecord(t.db, t.keyring, target, { systemId: t.systemId, now: NOW }, id, { id_number: id, name: '测试己' });
    await tombstoneRecord(t.db, t.keyring, target.resourceId, { systemId: t.systemId, now: later(1) }, id);
    await expect(t.db('record_history').where({ resource_id: target.resourceId }).delete()).rejects.toThrow(/append-only/);
    await expect(t.db('record_history').where({ resource_id: target.resourceId }).update({ data: JSON.stringify({ name: '改' }) })).rejects.toThrow(/append-only/);
    await expect(t.db('record_history').where({ resource_id: target.resourceId }).update({ loaded_at: later(9) })).rejects.toThrow(/append-only/);
  });
});
