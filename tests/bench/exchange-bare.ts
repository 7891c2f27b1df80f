// The floor the exchange benchmark compares the full query path with: a bare Fastify route that
// does the same primary-key SELECT on the same `records` table (getRecord's columns and WHERE),
// nothing else — no authentication, grant, quota, unsealing, masking or audit. The bench starts it
// as a child process of its own, with the same pool size as the API (createDb's default), and
// hands it the subject's HMAC index (computed ahead by the bench, so neither side pays for it in
// the client). Env: DATABASE_URL, PORT.
import Fastify from 'fastify';
import { createDb } from '../../src/db.js';

const db = createDb(process.env.DATABASE_URL!);
const app = Fastify({ logger: false });

app.get('/readyz', async () => ({ status: 'ready' }));

app.get('/bare/records/:resourceId/:hash', async (request, reply) => {
  const { resourceId, hash } = request.params as { resourceId: string; hash: string };
  const { rows } = await db.raw(
    `select resource_id, subject_hash, key_id, subject_masked, data, sealed, resource_version, loaded_by, loaded_at, updated_at
     from records where resource_id = ? and subject_hash = ? and deleted_at is null`,
    [resourceId, Buffer.from(hash, 'hex')],
  ) as { rows: { data: Record<string, unknown>; sealed: string; updated_at: Date }[] };
  const row = rows[0];
  if (!row) return reply.code(404).send({ code: 'SUBJECT_NOT_FOUND' });
  return { data: row.data, sealed: row.sealed, updatedAt: row.updated_at.toISOString() };
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => {
  void app.close().then(() => db.destroy()).then(() => process.exit(0));
});
