// `sharehub records load` and `sharehub records reseal`: the CLI's side of hosted records, kept
// out of cli.ts (which runs on import) so tests call them as the CLI does. Loads go through the
// same service path as POST …/records/bulk, not through HTTP.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { previousSecretKeys, type RuntimeConfig } from './config.js';
import type { Db } from './db.js';
import { deriveKeys } from './lib/crypto.js';
import { AppError } from './lib/errors.js';
import type { BulkLoadReply } from './modules/exchange/bulk-load.js';
import { resealRecords, type ResealResult } from './modules/exchange/record-reseal.js';
import { bulkLoad, recordKeyringOf, type Loader } from './modules/exchange/records-load-service.js';

/** Where progress goes: stderr, with a bar when it is a terminal, plain lines otherwise. */
export type ProgressOut = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

const PLAIN_EVERY_MS = 5_000;

/**
 * The system records are loaded as: the one given, which must belong to the resource's provider;
 * otherwise the provider's only system (several: the caller must choose with --system).
 */
async function loaderFor(db: Db, resource: string, systemId: string | undefined): Promise<Loader> {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const r: { provider_code: string } | undefined = await db('resources').where(UUID.test(resource) ? 'id' : 'code', resource).first('provider_code');
  if (!r) throw new AppError('NOT_FOUND', `resource ${resource} not found`);
  if (systemId !== undefined) {
    const s: { department_code: string } | undefined = UUID.test(systemId) ? await db('systems').where('id', systemId).first('department_code') : undefined;
    if (!s) throw new AppError('NOT_FOUND', `system ${systemId} not found`);
    return { systemId, departmentCode: s.department_code };
  }
  const systems: { id: string }[] = await db('systems').where('department_code', r.provider_code).select('id');
  if (systems.length !== 1) {
    throw new AppError('VALIDATION_FAILED', `the provider department has ${systems.length} systems: name the loading one with --system <id>`);
  }
  return { systemId: systems[0]!.id, departmentCode: r.provider_code };
}

/** Loads an NDJSON file into a resource's hosted records, with progress on `out`; one transaction. */
export async function loadRecordsFile(
  db: Db,
  runtime: RuntimeConfig,
  args: { resource: string; file: string; systemId?: string; now: Date },
  out: ProgressOut,
): Promise<BulkLoadReply & { resourceId: string; resourceVersion: number; seconds: number }> {
  const loader = await loaderFor(db, args.resource, args.systemId);
  const size = (await stat(args.file)).size;
  const started = performance.now();
  let bytes = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const body = createReadStream(args.file).pipe(counting);

  const bar = out.isTTY
    ? new SingleBar({
      stream: out as NodeJS.WriteStream,
      format: '{bar} {percentage}% | {records} records | {rate}/s | {errors} rejected | {eta_formatted} left',
      hideCursor: true,
    })
    : undefined;
  bar?.start(size, 0, { records: 0, rate: 0, errors: 0 });
  let lastLine = started;
  const progress = (p: { received: number; rejected: number }) => {
    const now = performance.now();
    const rate = Math.round(p.received / Math.max((now - started) / 1000, 0.001));
    if (bar) {
      bar.update(bytes, { records: p.received, rate, errors: p.rejected });
    } else if (now - lastLine >= PLAIN_EVERY_MS) {
      lastLine = now;
      out.write(`${p.received} records, ${rate}/s, ${p.rejected} rejected, ${Math.round((100 * bytes) / Math.max(size, 1))}%\n`);
    }
  };
  try {
    const reply = await bulkLoad({ db, actor: { kind: 'cli' }, now: args.now }, recordKeyringOf(runtime), loader, args.resource, body, { onProgress: progress });
    bar?.update(size, { records: reply.received, rate: Math.round(reply.received / Math.max((performance.now() - started) / 1000, 0.001)), errors: reply.rejected });
    return { ...reply, seconds: (performance.now() - started) / 1000 };
  } finally {
    bar?.stop();
  }
}

/** The summary printed after a load: counts, then the first problems by line. */
export function loadSummary(r: Awaited<ReturnType<typeof loadRecordsFile>>, maxErrors = 20): string {
  const lines = [
    `loaded into resource ${r.resourceId} (version ${r.resourceVersion}) in ${r.seconds.toFixed(1)} s: `
      + `${r.received} records read, ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected} rejected`,
    ...r.errors.slice(0, maxErrors).map((e) => `  line ${e.line}${e.field ? ` ${e.field}` : ''}: ${e.problem}`),
  ];
  if (r.errors.length > maxErrors || r.errorsTruncated) lines.push(`  … ${r.rejected} lines rejected in all`);
  return lines.join('\n');
}

/** Moves every hosted record and its history to the current master key (after a rotation). */
export async function resealAllRecords(db: Db, runtime: RuntimeConfig, onProgress?: (done: ResealResult) => void): Promise<ResealResult> {
  return resealRecords(db, deriveKeys(runtime.SHAREHUB_SECRET_KEY), previousSecretKeys(runtime).map(deriveKeys), { onProgress });
}
