// `sharehub catalog import <dir>`: the catalog as data. Every *.json file in the directory is one
// providing department and its resources (schemas/catalog-file.ts). All files are validated
// first; then everything is written in one transaction, as the platform's own act: resources are
// published directly, recorded on the trail with actor kind 'cli'. Importing the same files
// again changes nothing; a changed entry is published as the resource's next version.
//
// Entries the import must not apply are skipped and listed in ImportCounts.skippedEntries
// rather than stopping the import: a deprecated resource (the import never revives what a
// department withdrew), and a resource whose department has a draft or a version in review open.
// Publishing over that open version would end the department's work and expose it, and there is
// no way to discard a draft, so stopping would block every later import until it is published.
// A code that belongs to another department still stops the import: that is an error in the files.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Knex } from 'knex';
import type { FromSchema } from 'json-schema-to-ts';
import { catalogFileSchema } from '../../../schemas/catalog-file.js';
import type { HubKeys } from '../../lib/crypto.js';
import { checkUscc } from '../../lib/identifiers.js';
import { strictAjv } from '../../lib/validation.js';
import { createDepartment } from '../departments/departments-service.js';
import { cliContext } from '../context.js';
import { recordEvent } from '../audit/events.js';
import { metadataToColumns, rowToMetadata, sameMetadata, versionColumns, type ResourceRow, type VersionRow } from './catalog-rows.js';
import { syncSearchRow } from './catalog-search.js';
import { newMetadata, publishVersion, type Trail } from './catalog-service.js';
import { checkResource } from './resource-validation.js';

export type CatalogFile = FromSchema<typeof catalogFileSchema>;
export interface LoadedFile {
  file: string;
  content: CatalogFile;
}

export interface ImportCounts {
  files: number;
  departments: { created: number; existing: number };
  resources: { created: number; updated: number; unchanged: number; skipped: number };
  /** Each skipped entry as "file: /resources/i/code CODE reason". */
  skippedEntries: string[];
}

/** Every problem found in the catalog files, each as "file: /pointer message". */
export class CatalogImportError extends Error {
  constructor(readonly problems: string[]) {
    super(`the catalog is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogImportError';
  }
}

const CLI_TRAIL: Trail = { actor: { kind: 'cli' } };
// Two imports at once (two replicas starting) would race on "is the catalog empty" and on codes.
const IMPORT_LOCK_KEY = 'sharehub.catalog-import';

let validateFile: ValidateFunction | undefined;
function fileValidator(): ValidateFunction {
  validateFile ??= strictAjv.getSchema(catalogFileSchema.$id) ?? strictAjv.compile(catalogFileSchema);
  return validateFile;
}

function describeAjvError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(e.params.additionalProperty)} unknown field`;
  if (e.keyword === 'required') return `${e.instancePath}/${String(e.params.missingProperty)} is required`;
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
}

/** Reads and validates every *.json file of `dir` (sorted by name); throws CatalogImportError listing all problems. */
export async function readCatalogDir(dir: string): Promise<LoadedFile[]> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const problems: string[] = [];
  const files: LoadedFile[] = [];
  for (const name of names) {
    let data: unknown;
    try {
      data = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
    } catch (err) {
      problems.push(`${name}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const validate = fileValidator();
    if (!validate(data)) {
      problems.push(...(validate.errors ?? []).map((e) => `${name}: ${describeAjvError(e)}`));
      continue;
    }
    files.push({ file: name, content: data as CatalogFile });
  }
  if (!names.length) problems.push(`${dir}: no *.json catalog files`);
  problems.push(...checkFiles(files));
  if (problems.length) throw new CatalogImportError(problems);
  return files;
}

/** Rules across fields and files: checksums, the cross-field resource rules, unique codes. */
function checkFiles(files: LoadedFile[]): string[] {
  const problems: string[] = [];
  const codes = new Map<string, string>();
  const departments = new Map<string, string>();
  for (const { file, content } of files) {
    const dept = content.department;
    const check = checkUscc(dept.code);
    if (!check.valid) problems.push(`${file}: /department/code is not a valid 统一社会信用代码: ${check.reason}`);
    const other = departments.get(dept.code);
    if (other) problems.push(`${file}: /department/code ${dept.code} is also the department of ${other}; keep one file per department`);
    departments.set(dept.code, file);
    content.resources.forEach((entry, i) => {
      const seen = codes.get(entry.code);
      if (seen) problems.push(`${file}: /resources/${i}/code ${entry.code} is also in ${seen}`);
      codes.set(entry.code, `${file} /resources/${i}`);
      for (const p of checkResource(entry.code, newMetadata(entry), `/resources/${i}`)) problems.push(`${file}: ${p.pointer} ${p.message}`);
    });
  }
  return problems;
}

/** Imports validated files in one transaction. With onlyIfEmpty, does nothing (returns undefined) when the catalog has resources. */
export async function importCatalog(
  db: Knex,
  keys: HubKeys,
  files: LoadedFile[],
  opts: { onlyIfEmpty?: boolean } = {},
): Promise<ImportCounts | undefined> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [IMPORT_LOCK_KEY]);
    if (opts.onlyIfEmpty && (await trx('resources').first('id'))) return undefined;
    const counts: ImportCounts = {
      files: files.length,
      departments: { created: 0, existing: 0 },
      resources: { created: 0, updated: 0, unchanged: 0, skipped: 0 },
      skippedEntries: [],
    };
    await importDepartments(trx, keys, files, counts);
    const problems: string[] = [];
    for (const { file, content } of files) {
      for (const [i, entry] of content.resources.entries()) {
        const outcome = await importResource(trx, file, content.department.code, entry);
        if (typeof outcome === 'string') {
          problems.push(`${file}: /resources/${i}/code ${outcome}`);
          continue;
        }
        counts.resources[outcome.result]++;
        if (outcome.result === 'skipped') counts.skippedEntries.push(`${file}: /resources/${i}/code ${entry.code} ${outcome.reason}`);
      }
    }
    if (problems.length) throw new CatalogImportError(problems);
    return counts;
  });
}

/** Registers the departments the hub does not know yet, parents before children. */
async function importDepartments(trx: Knex.Transaction, keys: HubKeys, files: LoadedFile[], counts: ImportCounts) {
  const known = new Set((await trx('departments').select('code')).map((r: { code: string }) => r.code));
  let pending = files.map((f) => f.content.department).filter((d) => {
    if (!known.has(d.code)) return true;
    counts.departments.existing++;
    return false;
  });
  while (pending.length) {
    const ready = pending.filter((d) => !d.parentCode || known.has(d.parentCode));
    if (!ready.length) throw new CatalogImportError(pending.map((d) => `department ${d.code}: parent ${d.parentCode} is neither registered nor in the catalog`));
    for (const d of ready) {
      await createDepartment(cliContext(trx), keys, { code: d.code, name: d.name, level: d.level, parentCode: d.parentCode });
      known.add(d.code);
      counts.departments.created++;
    }
    pending = pending.filter((d) => !ready.includes(d));
  }
}

type Entry = CatalogFile['resources'][number];

async function importResource(
  trx: Knex.Transaction,
  file: string,
  providerCode: string,
  entry: Entry,
): Promise<{ result: 'created' | 'updated' | 'unchanged' } | { result: 'skipped'; reason: string } | string> {
  const meta = newMetadata(entry);
  const details = { code: entry.code, source: `catalog import ${file}` };
  const existing: ResourceRow | undefined = await trx('resources').where('code', entry.code).forUpdate().first();

  if (!existing) {
    const [r] = await trx('resources').insert({ code: entry.code, provider_code: providerCode, status: 'draft', latest_version: 1 }).returning('*');
    await trx('resource_versions').insert({ resource_id: r.id, version: 1, status: 'draft', ...metadataToColumns(meta) });
    await recordEvent(trx, { actor: CLI_TRAIL.actor, entityType: 'resource', entityId: r.id, entityVersion: 1, action: 'resource.created', details });
    await publishVersion(trx, CLI_TRAIL, r as ResourceRow, 1, { publishDate: entry.publishDate, details });
    await syncSearchRow(trx, r.id);
    return { result: 'created' };
  }

  if (existing.provider_code !== providerCode) return `${entry.code} belongs to department ${existing.provider_code}, not ${providerCode}`;
  // A deprecated resource stays deprecated: the import never revives what a department withdrew.
  if (existing.status === 'deprecated') return { result: 'skipped', reason: 'is deprecated' };
  if (existing.published_version !== null) {
    const current: VersionRow = await trx('resource_versions').where({ resource_id: existing.id, version: existing.published_version }).first(versionColumns(trx));
    const sameDate = entry.publishDate === undefined || entry.publishDate === current.publish_day;
    if (sameDate && sameMetadata(rowToMetadata(current), meta)) return { result: 'unchanged' };
  }
  // The department's own draft or version in review (of a new resource or a revision): see the top.
  const latest: Pick<VersionRow, 'status'> = await trx('resource_versions').where({ resource_id: existing.id, version: existing.latest_version }).first('status');
  if (latest.status === 'draft' || latest.status === 'pending_review') {
    return { result: 'skipped', reason: `has version ${existing.latest_version} open (${latest.status}) in its department` };
  }
  const version = existing.latest_version + 1;
  await trx('resource_versions').insert({ resource_id: existing.id, version, status: 'draft', ...metadataToColumns(meta) });
  await publishVersion(trx, CLI_TRAIL, existing, version, { publishDate: entry.publishDate, details });
  await syncSearchRow(trx, existing.id);
  return { result: 'updated' };
}

export async function importCatalogDir(db: Knex, keys: HubKeys, dir: string): Promise<ImportCounts> {
  return (await importCatalog(db, keys, await readCatalogDir(dir)))!;
}

/**
 * For the embedded demo hub: loads `dir` only while the catalog is empty, so a department's
 * later edits and deprecations are never overwritten by a restart.
 */
export async function importDemoCatalogIfEmpty(db: Knex, keys: HubKeys, dir: string): Promise<ImportCounts | undefined> {
  if (await db('resources').first('id')) return undefined;
  return importCatalog(db, keys, await readCatalogDir(dir), { onlyIfEmpty: true });
}
