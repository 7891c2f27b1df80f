import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, previousSecretKeys } from '../../../src/config.js';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { bulkLoadRecords } from '../../../src/modules/exchange/bulk-load.js';
import { recordKeyId, recordKeyring } from '../../../src/modules/exchange/record-keys.js';
import { resealRecords } from '../../../src/modules/exchange/record-reseal.js';
import { getRecord, getRecordHistory, getRecords, tombstoneRecord, upsertRecord } from '../../../src/modules/exchange/records-repository.js';
import { ndjson, newMasterKey, NOW, personId, setUpRecordsDb, type RecordsDb } from './records-fixtures.js';

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describe('key rotation of hosted records', () => {
  let t: RecordsDb;
  beforeAll(async () => {
    t = await setUpRecordsDb();
  });
  afterAll(async () => t.db.destroy());

  it('reads through a rotation with the previous key configured, and reseal moves every row to the new key', async () => {
    const target = await t.newResource();
    const oldKeys = t.keys;
    const ids = Array.from({ length: 5 }, (_, i) => personId(700 + i));
    const writer = { systemId: t.systemId, now: NOW };
    await bulkLoadRecords(t.db, t.keyring, { ...target, ...writer, body: ndjson(ids.map((id) => JSON.stringify({ id_number: id, name: '测试旧', address: '旧址' }))) });
    await upsertRecord(t.db, t.keyring, target, { ...writer, now: later(1) }, ids[0]!, { id_number: ids[0]!, name: '测试旧二', address: '旧址二' });
    await tombstoneRecord(t.db, t.keyring, target.resourceId, { ...writer, now: later(2) }, ids[4]!);

    // Rotation: a new master key; the old one is kept for reading only.
    const newKeys = deriveKeys(newMasterKey());
    const during = recordKeyring(newKeys, [oldKeys]);
    // Without the previous key the old rows cannot be found: that is why the setting exists.
    expect(await getRecord(t.db, recordKeyring(newKeys), target.resourceId, 'id_number', ids[1]!)).toBeUndefined();
    expect((await getRecord(t.db, during, target.resourceId, 'id_number', ids[1]!))?.record).toEqual({ id_number: ids[1], name: '测试旧', address: '旧址' });

    // A load during the rotation writes under the new key; reads prefer it over the stale row.
    await upsertRecord(t.db, during, target, { ...writer, now: later(3) }, ids[2]!, { id_number: ids[2]!, name: '测试新', address: '新址' });
    expect((await getRecord(t.db, during, target.resourceId, 'id_number', ids[2]!))?.record.name).toBe('测试新');
    expect((await getRecords(t.db, during, target.resourceId, 'id_number', ids)).get(ids[2]!)?.record.name).toBe('测试新');
    // A delete during the rotation reaches the row under the old key.
    expect(await tombstoneRecord(t.db, during, target.resourceId, { ...writer, now: later(4) }, ids[3]!)).toBe(true);

    const progress: unknown[] = [];
    const result = await resealRecords(t.db, newKeys, [oldKeys], { batchSize: 2, onProgress: (p) => progress.push({ ...p }) });
    expect(result).toEqual({ records: 4, superseded: 1, history: 3 });
    expect(progress.length).toBeGreaterThan(2);

    const newId = recordKeyId(newKeys);
    expect(await t.db('records').where({ resource_id: target.resourceId }).whereNot({ key_id: newId }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db('record_history').where({ resource_id: target.resourceId }).whereNot({ key_id: newId }).count({ n: '*' })).toEqual([{ n: 0 }]);

    // After the reseal the old key is no longer needed.
    const after = recordKeyring(newKeys);
    const live = await getRecords(t.db, after, target.resourceId, 'id_number', ids);
    expect([...live.keys()].sort()).toEqual([ids[0], ids[1], ids[2]].sort());
    expect(live.get(ids[0]!)?.record).toEqual({ id_number: ids[0], name: '测试旧二', address: '旧址二' });
    expect(live.get(ids[2]!)?.record).toEqual({ id_number: ids[2], name: '测试新', address: '新址' });
    expect((await getRecordHistory(t.db, after, target.resourceId, 'id_number', ids[0]!)).map((h) => [h.change, h.record.name])).toEqual([['replaced', '测试旧']]);
    // The stale row of the subject loaded during the rotation ended as history, replaced by that load.
    expect(await getRecordHistory(t.db, after, target.resourceId, 'id_number', ids[2]!)).toEqual([
      expect.objectContaining({ change: 'replaced', record: { id_number: ids[2], name: '测试旧', address: '旧址' }, changedAt: later(3) }),
    ]);
    expect((await getRecordHistory(t.db, after, target.resourceId, 'id_number', ids[4]!)).map((h) => h.change)).toEqual(['deleted']);
    // An equal reload under the new key is unchanged: the content hash was recomputed under it.
    const reload = await bulkLoadRecords(t.db, after, { ...target, ...writer, now: later(9), body: ndjson([JSON.stringify({ id_number: ids[1], name: '测试旧', address: '旧址' })]) });
    expect(reload).toMatchObject({ unchanged: 1, updated: 0, inserted: 0 });

    // The old key cannot read anything any more, and a second run has nothing to do.
    expect(await getRecord(t.db, recordKeyring(oldKeys), target.resourceId, 'id_number', ids[1]!)).toBeUndefined();
    expect(await resealRecords(t.db, newKeys, [oldKeys])).toEqual({ records: 0, superseded: 0, history: 0 });
  });

  it('stops, changing nothing, at rows under a key that is not configured', async () => {
    const target = await t.newResource();
    const lostKeys = deriveKeys(newMasterKey());
    await upsertRecord(t.db, recordKeyring(lostKeys), target, { systemId: t.systemId, now: NOW }, personId(801), { id_number: personId(801), name: '测试失' });
    const before = await t.db('records').where({ resource_id: target.resourceId }).select('*');
    await expect(resealRecords(t.db, deriveKeys(newMasterKey()), [])).rejects.toThrow(/sealed under key [0-9a-f]{16}, which is neither SHAREHUB_SECRET_KEY nor in SHAREHUB_PREVIOUS_SECRET_KEYS/);
    expect(await t.db('records').where({ resource_id: target.resourceId }).select('*')).toEqual(before);
    await t.db('records').where({ resource_id: target.resourceId }).delete();
  });

  it('reads SHAREHUB_PREVIOUS_SECRET_KEYS as a list of 64-hex keys', () => {
    const [a, b] = [newMasterKey(), newMasterKey()];
    expect(previousSecretKeys(loadConfig({ SHAREHUB_PREVIOUS_SECRET_KEYS: `${a},${b}` }))).toEqual([a, b]);
    expect(previousSecretKeys(loadConfig({}))).toEqual([]);
    expect(() => loadConfig({ SHAREHUB_PREVIOUS_SECRET_KEYS: `${a},short` })).toThrow(/SHAREHUB_PREVIOUS_SECRET_KEYS/);
  });
});
