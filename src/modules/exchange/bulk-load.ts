// Bulk loading of hosted records (POST …/records/bulk, `sharehub records load`): an NDJSON body,
// one record per line, validated line by line and written in batches of one statement each.
//
// Per line, in one transaction (README.md, "Bulk loads"): a bad line is rejected and reported
// (line number, field, problem) and every good line is loaded; but the whole load — its good
// lines and, with an Idempotency-Key, its stored reply — commits together or not at all. So a
// load cut off half way (a crash, a lost connection) leaves nothing behind and can simply be
// sent again, and a retry with the same key finds either nothing or the complete first result.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { AppError } from '../../lib/errors.js';
import { crossCheckBatch, needsPlainRows, recheckDiscrepancies, type CrossCheckPlan } from './cross-check.js';
import type { RecordKeyring } from './record-keys.js';
import type { SealedRecord } from './record-sealing.js';
import { compileRecordValidator, type ExchangeRecord } from './record-validation.js';
import { sealerFor, subjectKeyOf, writeRecordBatch, type RecordTarget, type RecordWriter } from './records-repository.js';

/** Records per statement: large enough to amortise a round trip, small enough to stay well under a megabyte or two of parameters. */
export const DEFAULT_BATCH_SIZE = 2_000;
/** A line longer than this is rejected without being kept in memory whole. */
export const MAX_LINE_BYTES = 1_048_576;
/** Problems listed in a reply; the counts stay exact beyond it. */
export const MAX_REPORTED_ERRORS = 1_000;

/** Idempotency-Key: visible ASCII, as a header can carry it; the length the table keeps. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export type LineError = { line: number; field: string; problem: string };

export type BulkLoadReply = {
  /** Non-empty lines read. */
  received: number;
  inserted: number;
  /** Records replaced with different values (their previous values went to history). */
  updated: number;
  /** Records loaded again with the same values: nothing written. */
  unchanged: number;
  rejected: number;
  /** At most MAX_REPORTED_ERRORS, in line order; never a value of the record. */
  errors: LineError[];
  errorsTruncated: boolean;
};

export type BulkLoadRequest = RecordTarget & RecordWriter & {
  body: Readable;
  /** With a key, a retry with the same key and body answers the stored reply and writes nothing. */
  idempotencyKey?: string;
  /** 一数一源: each written batch is compared with the authoritative sources (cross-check.ts). */
  crossCheck?: CrossCheckPlan;
  /** 一数一源, the other way: this resource is the source of open discrepancies, which each written batch re-checks. */
  recheckAsSource?: boolean;
};

export type BulkLoadOptions = {
  batchSize?: number;
  /** Called after each written batch (for the CLI's progress bar); counts so far. */
  onProgress?: (progress: Omit<BulkLoadReply, 'errors' | 'errorsTruncated'>) => void;
};

/**
 * Splits a byte stream into lines, chunk by chunk and synchronously (an async step per line would
 * cost more than parsing it); an over-long line is refused without being held.
 */
class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private tooLong = false;

  *push(buf: Buffer): Generator<Buffer | 'too-long'> {
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      const piece = buf.subarray(start, nl);
      if (this.tooLong || this.size + piece.length > MAX_LINE_BYTES) yield 'too-long';
      else yield this.parts.length === 0 ? piece : Buffer.concat([...this.parts, piece]);
      this.parts = [];
      this.size = 0;
      this.tooLong = false;
      start = nl + 1;
    }
    const rest = buf.subarray(start);
    if (rest.length > 0 && !this.tooLong) {
      if (this.size + rest.length > MAX_LINE_BYTES) {
        this.tooLong = true;
        this.parts = [];
      } else {
        this.parts.push(rest);
        this.size += rest.length;
      }
    }
  }

  *end(): Generator<Buffer | 'too-long'> {
    if (this.tooLong) yield 'too-long';
    else if (this.size > 0) yield Buffer.concat(this.parts);
  }
}

const isBlank = (line: Buffer) => {
  for (let i = 0; i < line.length; i++) {
    const b = line[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
};

/** The body's bytes, consumed only to compare a retry with the first load. */
async function sha256Of(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body as AsyncIterable<Buffer | string>) hash.update(chunk);
  return hash.digest('hex');
}

// Two loads with the same key at once: the second waits for the first's transaction, then sees
// its stored reply. hashtextextended is PostgreSQL's own 64-bit text hash; a collision between
// different keys only makes two loads wait for each other.
const lockKey = (db: Knex, req: BulkLoadRequest) =>
  db.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`bulk_loads:${req.systemId}:${req.resourceId}:${req.idempotencyKey}`]);

/**
 * Loads an NDJSON body into the hosted records of one resource version. Lines are 1-based; blank
 * lines are skipped and not counted (a trailing newline is usual). A subject named on two lines
 * is loaded in order: the later line replaces the earlier, which goes to history.
 *
 * Throws CONFLICT when the Idempotency-Key was used before with a different body.
 */
export async function bulkLoadRecords(db: Knex, keyring: RecordKeyring, req: BulkLoadRequest, opts: BulkLoadOptions = {}): Promise<BulkLoadReply> {
  subjectKeyOf(req.shape);
  if (req.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(req.idempotencyKey)) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 128 visible ASCII characters', {
      errors: [{ pointer: '/headers/idempotency-key', message: 'must be 1 to 128 visible ASCII characters' }],
    });
  }
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  return db.transaction(async (trx) => {
    if (req.idempotencyKey !== undefined) {
      await lockKey(trx, req);
      const previous = await trx('bulk_loads')
        .where({ system_id: req.systemId, resource_id: req.resourceId, idempotency_key: req.idempotencyKey })
        .first('body_sha256', 'reply') as { body_sha256: string; reply: BulkLoadReply } | undefined;
      if (previous !== undefined) {
        if ((await sha256Of(req.body)) !== previous.body_sha256) {
          throw new AppError('CONFLICT', 'this Idempotency-Key was used for a different body; use a new key for a new load', {
            extra: { reason: 'IDEMPOTENCY_KEY_REUSED' },
          });
        }
        return previous.reply;
      }
    }

    const validate = compileRecordValidator(req.shape, () => req.now);
    const sealRow = sealerFor(keyring, req);
    const bodyHash = createHash('sha256');
    const decoder = new TextDecoder('utf-8', { fatal: true });

    const reply: BulkLoadReply = { received: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, errors: [], errorsTruncated: false };
    const reject = (line: number, problems: { field: string; problem: string }[]) => {
      reply.rejected++;
      for (const p of problems) {
        if (reply.errors.length < MAX_REPORTED_ERRORS) reply.errors.push({ line, field: p.field, problem: p.problem });
        else reply.errorsTruncated = true;
      }
    };

    const keepPlain = needsPlainRows(req.crossCheck) || req.recheckAsSource === true;
    let plainRows = new Map<string, { subjectId: string; record: ExchangeRecord }>();

    /** One line to a sealed record, or undefined when it is blank or rejected. */
    const readLine = (raw: Buffer | 'too-long', lineNo: number): SealedRecord | undefined => {
      if (raw !== 'too-long' && isBlank(raw)) return undefined;
      reply.received++;
      if (raw === 'too-long') {
        reject(lineNo, [{ field: '', problem: `is longer than ${MAX_LINE_BYTES} bytes` }]);
        return undefined;
      }
      let text: string;
      try {
        text = decoder.decode(raw);
      } catch {
        reject(lineNo, [{ field: '', problem: 'is not valid UTF-8' }]);
        return undefined;
      }
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch {
        // The parser's message quotes the line; only the kind of problem is reported.
        reject(lineNo, [{ field: '', problem: 'is not valid JSON' }]);
        return undefined;
      }
      const check = validate(input);
      if (!check.ok) {
        reject(lineNo, check.problems);
        return undefined;
      }
      const sealed = sealRow(check.subjectId!, check.record as ExchangeRecord);
      // Plain values stay in memory for the batch only when a comparison of sealed items needs them.
      if (keepPlain) plainRows.set(sealed.subjectHash.toString('hex'), { subjectId: check.subjectId!, record: check.record as ExchangeRecord });
      return sealed;
    };

    // One batch is written while the next is parsed and sealed (PostgreSQL works in its own
    // process meanwhile); the transaction's connection runs one statement at a time.
    let batch = new Map<string, SealedRecord>();
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      const rows = [...batch.values()];
      const plain = plainRows;
      batch = new Map();
      plainRows = new Map();
      await writing;
      writing = writeRecordBatch(trx, req, req, rows).then(async (counts) => {
        // More statements per batch, on the same connection, only for a resource naming sources or being one.
        if (req.crossCheck) {
          await crossCheckBatch(trx, keyring, req.crossCheck, rows.map((r) => {
            const h = r.subjectHash.toString('hex');
            return { h, m: r.subjectMasked, d: r.data, ...(keepPlain ? { plain: plain.get(h)! } : {}) };
          }), req.now);
        }
        if (req.recheckAsSource) {
          await recheckDiscrepancies(trx, keyring, req.resourceId, rows.map((r) => ({ subjectHash: r.subjectHash, ...plain.get(r.subjectHash.toString('hex'))! })), req.now);
        }
        reply.inserted += counts.inserted;
        reply.updated += counts.updated;
        reply.unchanged += counts.unchanged;
        opts.onProgress?.({ received: reply.received, inserted: reply.inserted, updated: reply.updated, unchanged: reply.unchanged, rejected: reply.rejected });
      });
      // A failed write fails the load; keep the rejection handled until it is awaited.
      writing.catch(() => undefined);
    };

    const splitter = new LineSplitter();
    let lineNo = 0;
    const take = async (lines: Iterable<Buffer | 'too-long'>) => {
      for (const raw of lines) {
        const sealed = readLine(raw, ++lineNo);
        if (sealed === undefined) continue;
        const hashKey = sealed.subjectHash.toString('hex');
        // The same subject twice in one statement cannot be written; the earlier line goes first.
        if (batch.has(hashKey)) await flush();
        batch.set(hashKey, sealed);
        if (batch.size >= batchSize) await flush();
      }
    };
    for await (const chunk of req.body as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bodyHash.update(buf);
      await take(splitter.push(buf));
    }
    await take(splitter.end());
    if (batch.size > 0) await flush();
    await writing;

    if (req.idempotencyKey !== undefined) {
      await trx('bulk_loads').insert({
        system_id: req.systemId,
        resource_id: req.resourceId,
        idempotency_key: req.idempotencyKey,
        body_sha256: bodyHash.digest('hex'),
        reply: JSON.stringify(reply),
        created_at: req.now,
      });
    }
    return reply;
  });
}
