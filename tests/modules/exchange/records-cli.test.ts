import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSecretKey } from '../../../src/bootstrap.js';
import { ConfigError } from '../../../src/config.js';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { recordKeyId, recordKeyring } from '../../../src/modules/exchange/record-keys.js';
import { getRecord } from '../../../src/modules/exchange/records-repository.js';
import { loadRecordsFile, loadSummary, resealAllRecords } from '../../../src/records-commands.js';
import { makeDepartment, makeSystem } from '../../helpers/fixtures.js';
import { makeResource } from '../../helpers/resource-fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { personId } from './records-fixtures.js';

// `sharehub records load` and `records reseal` as the CLI runs them (its functions, on a real
// database), and the start-up key check that lets a rotation through.

const NOW = new Date('2026-11-29T02:00:00Z');
const person = (n: number, extra: Record<string, unknown> = {}) => ({ id_number: personId(n), name: `示例丁${n}`, birth_date: '1990-03-04', address: '示例路2号', ...extra });

describe('records load / reseal commands and key rotation', () => {
  let ctx: TestContext;
  let resource: { id: string; code: string };
  let system: Awaited<ReturnType<typeof makeSystem>>;
  let outsider: Awaited<ReturnType<typeof makeSystem>>;
  const dir = mkdtempSync(join(tmpdir(), 'sharehub-records-'));
  const captured: string[] = [];
  const out = { isTTY: false, write: (s: string) => { captured.push(s); return true; } };

  beforeAll(async () => {
    ctx = await buildTestApp();
    const dept = await makeDepartment(ctx);
    system = await makeSystem(ctx, dept.code);
    outsider = await makeSystem(ctx, (await makeDepartment(ctx)).code);
    resource = await makeResource(ctx, { providerCode: dept.code });
    await checkSecretKey(ctx.db, ctx.config.SHAREHUB_SECRET_KEY);
  });
  afterAll(async () => ctx.close());

  it('loads a file through the service path: counts, per-line problems and a summary, as the provider’s only system', async () => {
    const file = join(dir, 'people.ndjson');
    const lines = [...Array.from({ length: 50 }, (_, i) => JSON.stringify(person(i + 1))), JSON.stringify(person(99, { birth_date: '1990-13-01' }))];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await loadRecordsFile(ctx.db, ctx.config, { resource: resource.code, file, now: NOW }, out);
    expect(result).toMatchObject({ resourceId: resource.id, received: 51, inserted: 50, rejected: 1, errors: [{ line: 51, field: 'birth_date' }] });
    const summary = loadSummary(result);
    expect(summary).toContain('51 records read, 50 inserted, 0 updated, 0 unchanged, 1 rejected');
    expect(summary).toContain('line 51 birth_date:');
    expect(await ctx.db('records').where('resource_id', resource.id).count({ n: '*' })).toEqual([{ n: 50 }]);
    const [event] = await ctx.db('events').where({ entity_id: resource.id, action: 'records.bulk_load' }).select('actor_kind', 'details');
    expect(event).toMatchObject({ actor_kind: 'cli', details: { inserted: 50, systemId: system.id } });
    // Plain progress lines only every few seconds: a 51-line file prints none, and never a value.
    expect(captured.join('')).not.toContain('示例');
  });

  it('refuses a system of another department, and an unknown resource', async () => {
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, `${JSON.stringify(person(200))}\n`);
    await expect(loadRecordsFile(ctx.db, ctx.config, { resource: resource.id, file, systemId: outsider.id, now: NOW }, out))
      .rejects.toMatchObject({ code: 'OTHER_DEPARTMENT' });
    await expect(loadRecordsFile(ctx.db, ctx.config, { resource: '101001/99999999', file, now: NOW }, out))
      .rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await ctx.db('records').where('resource_id', resource.id).count({ n: '*' })).toEqual([{ n: 50 }]);
  });

  it('rotates the master key: the start-up check accepts new + previous, stores the new fingerprint; reseal moves every record', async () => {
    const oldKey = ctx.config.SHAREHUB_SECRET_KEY;
    const newKey = randomBytes(32).toString('hex');
    // A new key alone, or with a previous key that is not the stored one, is still refused.
    await expect(checkSecretKey(ctx.db, newKey)).rejects.toBeInstanceOf(ConfigError);
    await expect(checkSecretKey(ctx.db, newKey, [randomBytes(32).toString('hex')])).rejects.toBeInstanceOf(ConfigError);
    expect(await checkSecretKey(ctx.db, oldKey)).toEqual({ rotated: false });

    expect(await checkSecretKey(ctx.db, newKey, [oldKey])).toEqual({ rotated: true });
    expect(await checkSecretKey(ctx.db, newKey, [oldKey])).toEqual({ rotated: false });
    expect(await checkSecretKey(ctx.db, newKey)).toEqual({ rotated: false });
    // No way back by accident: the old key alone is now refused.
    await expect(checkSecretKey(ctx.db, oldKey)).rejects.toBeInstanceOf(ConfigError);

    const rotated = { ...ctx.config, SHAREHUB_SECRET_KEY: newKey, SHAREHUB_PREVIOUS_SECRET_KEYS: oldKey };
    const done = await resealAllRecords(ctx.db, rotated);
    expect(done).toMatchObject({ records: 50 });
    const newId = recordKeyId(deriveKeys(newKey));
    expect(await ctx.db('records').where('resource_id', resource.id).whereNot('key_id', newId).count({ n: '*' })).toEqual([{ n: 0 }]);
    // Readable with the new key alone: the old key can be dropped from the records' point of view.
    const found = await getRecord(ctx.db, recordKeyring(deriveKeys(newKey)), resource.id, 'id_number', personId(7));
    expect(found?.record).toMatchObject({ name: '示例丁7', address: '示例路2号' });
    expect(await resealAllRecords(ctx.db, rotated)).toMatchObject({ records: 0, history: 0 });
  });
});
