import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/free-port.js';

const READY_TIMEOUT_MS = 90_000;
const ADMIN_PASSWORD = 'e2e-admin-password';

interface Hub { child: ChildProcess; output: () => string; exited: Promise<number | null> }

/** `sharehub start` exactly as the README runs it, with no DATABASE_URL or REDIS_URL. */
function startHub(dataDir: string, port: number): Hub {
  const env: NodeJS.ProcessEnv = { ...process.env, SHAREHUB_DATA_DIR: dataDir, PORT: String(port), SHAREHUB_ADMIN_PASSWORD: ADMIN_PASSWORD };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitReady(base: string, hub: Hub) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hub.child.exitCode !== null) throw new Error(`hub exited early:\n${hub.output()}`);
    const res = await fetch(`${base}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hub not ready within ${READY_TIMEOUT_MS} ms:\n${hub.output()}`);
}

async function token(base: string) {
  const res = await fetch(`${base}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('sharehub start (embedded PostgreSQL and redis-server)', () => {
  let dataDir: string;
  let base: string;
  let port: number;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-e2e-'));
    port = await findFreePort();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => fs.rm(dataDir, { recursive: true, force: true }));

  it('serves, documents every route, stops cleanly on SIGTERM and keeps its data across a restart', async () => {
    const first = startHub(dataDir, port);
    try {
      await waitReady(base, first);
      const doc = (await (await fetch(`${base}/docs/json`)).json()) as { openapi: string; paths: Record<string, Record<string, { responses?: object }>> };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/departments', '/v1/systems/{id}/keys', '/readyz']));
      for (const [p, item] of Object.entries(doc.paths)) {
        for (const [m, op] of Object.entries(item)) if (!p.startsWith('/docs')) expect(op.responses, `${m} ${p}`).toBeDefined();
      }
      expect((await fetch(`${base}/docs`)).status).toBe(200);

      const created = await fetch(`${base}/v1/departments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(base)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: '91310110666007217T', name: '重启前的局', level: 'district' }),
      });
      expect(created.status).toBe(201);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    const second = startHub(dataDir, port);
    try {
      await waitReady(base, second);
      const got = await fetch(`${base}/v1/departments/91310110666007217T`, { headers: { authorization: `Bearer ${await token(base)}` } });
      expect(got.status).toBe(200);
      expect(((await got.json()) as { name: string }).name).toBe('重启前的局');
      expect(second.output()).not.toContain('First platform administrator');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  }, 240_000);

  it('reports a crashed redis-server and exits non-zero instead of carrying on', async () => {
    const hub = startHub(dataDir, port);
    try {
      await waitReady(base, hub);
      const redisPid = Number((await fs.readFile(path.join(dataDir, 'redis', 'redis.pid'), 'utf8')).trim());
      process.kill(redisPid, 'SIGKILL');
      expect(await hub.exited).toBe(1);
      expect(hub.output()).toContain('a required service stopped');
    } finally {
      if (hub.child.exitCode === null) hub.child.kill('SIGKILL');
    }
  }, 120_000);
});
