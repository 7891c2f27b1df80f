import fp from 'fastify-plugin';
import { createDb, type Db } from '../db.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export default fp<{ url: string }>(
  async (app, opts) => {
    const db = createDb(opts.url);
    app.decorate('db', db);
    app.addHook('onClose', async () => db.destroy());
  },
  { name: 'db' },
);
