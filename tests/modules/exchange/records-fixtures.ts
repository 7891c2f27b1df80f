// A database with what hosted records hang on (a provider department, its loading system, hosted
// resources), for the storage tests of the exchange: real PostgreSQL, no app.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createDb, type Db } from '../../../src/db.js';
import { deriveKeys, type HubKeys } from '../../../src/lib/crypto.js';
import { citizenIdWithCheck } from '../../../src/lib/identifiers.js';
import type { DataItem } from '../../../src/modules/catalog/resource-validation.js';
import { recordKeyring, type RecordKeyring } from '../../../src/modules/exchange/record-keys.js';
import type { RecordShape } from '../../../src/modules/exchange/record-validation.js';
import type { RecordTarget } from '../../../src/modules/exchange/records-repository.js';
import { createTestDatabase } from '../../helpers/test-app.js';

// The subject key item is only `sensitive` here on purpose: the subject id must never be stored
// in the clear whatever its item's sensitivity.
export const PERSON_ITEMS: DataItem[] = [
  { key: 'id_number', name: '公民身份号码', type: 'C', length: 18, sensitivity: 'sensitive', mask: 'first:6,last:4' },
  { key: 'name', name: '姓名', type: 'C', length: 50, sensitivity: 'sensitive', mask: 'first:1' },
  { key: 'birth_date', name: '出生日期', type: 'D', length: 8, sensitivity: 'internal', mask: 'none' },
  { key: 'address', name: '户籍地址', type: 'C', length: 200, sensitivity: 'highly_sensitive', mask: 'full' },
  { key: 'income', name: '月收入', type: 'Y', length: 12, sensitivity: 'highly_sensitive', mask: 'full' },
];

export const PERSON_SHAPE: RecordShape = { dataItems: PERSON_ITEMS, subjectType: 'person', subjectKey: 'id_number' };

export const NOW = new Date('2026-11-29T02:00:00Z');

export const newMasterKey = () => randomBytes(32).toString('hex');

export type RecordsDb = {
  db: Db;
  keys: HubKeys;
  keyring: RecordKeyring;
  systemId: string;
  otherSystemId: string;
  /** A new hosted person resource (version 1) of the provider department. */
  newResource(): Promise<RecordTarget>;
};

let resourceSeq = 0;

export async function setUpRecordsDb(): Promise<RecordsDb> {
  const db = createDb(await createTestDatabase(), { max: 3 });
  const keys = deriveKeys(newMasterKey());
  const departmentCode = '11330000MB0000123X';
  await db('departments').insert({ code: departmentCode, name: '省公安厅（测试）', level: 'province' });
  const [system] = await db('systems').insert({ department_code: departmentCode, name: '人口库装载系统' }).returning('id') as { id: string }[];
  const [other] = await db('systems').insert({ department_code: departmentCode, name: '另一个系统' }).returning('id') as { id: string }[];
  return {
    db,
    keys,
    keyring: recordKeyring(keys),
    systemId: system!.id,
    otherSystemId: other!.id,
    newResource: async () => {
      const [row] = await db('resources')
        .insert({ id: randomUUID(), code: `101001/${String(++resourceSeq).padStart(8, '0')}`, provider_code: departmentCode, status: 'published', published_version: 1 })
        .returning('id') as { id: string }[];
      return { resourceId: row!.id, resourceVersion: 1, shape: PERSON_SHAPE };
    },
  };
}

/** A valid 公民身份号码 for sequence number n (GB 11643 check character computed). */
export function personId(n: number): string {
  const day = 1 + (n % 28);
  const seq = String(n % 1000).padStart(3, '0');
  const year = 1950 + (Math.floor(n / 1000) % 60);
  return citizenIdWithCheck(`330106${year}01${String(day).padStart(2, '0')}${seq}`);
}

export const ndjson = (lines: string[]) => Readable.from([Buffer.from(lines.join('\n') + '\n')]);
