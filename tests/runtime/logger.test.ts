import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logDestination } from '../../src/logger.js';

/** A stdout stand-in: `isTTY` as a terminal or a pipe would report it. */
function fakeStdout(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  // Without the colour codes.
  // eslint-disable-next-line no-control-regex
  return { stream, text: () => chunks.join('').replace(/\u001b\[\d+m/g, '') };
}

describe('process log format', () => {
  it('is human-readable on a terminal', () => {
    const out = fakeStdout(true);
    const destination = logDestination(out.stream);
    expect(destination).toBeDefined();
    createLogger('info', destination).info({ port: 8080 }, 'ShareHub API listening');
    const text = out.text();
    expect(text).toMatch(/INFO.*ShareHub API listening/);
    expect(text).toContain('port: 8080');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('is one JSON object a line otherwise, whatever NODE_ENV says, written without blocking', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sharehub-log-'));
    const file = path.join(dir, 'out.log');
    try {
      const destination = logDestination({ isTTY: false, fd: fs.openSync(file, 'w') }) as NodeJS.WritableStream & { sync: boolean; flushSync(): void };
      expect(destination.sync).toBe(false);
      const logger = createLogger('info', destination);
      for (let i = 0; i < 3; i++) logger.info({ n: i, password: 'hunter2-hunter2' }, 'line');
      // Written in the background: every line arrives, in order, without a timer or a flush.
      const deadline = Date.now() + 5_000;
      while (fs.readFileSync(file, 'utf8').split('\n').length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { n: number; msg: string; password: string });
      expect(lines.map((l) => [l.n, l.msg, l.password])).toEqual([[0, 'line', '[redacted]'], [1, 'line', '[redacted]'], [2, 'line', '[redacted]']]);
    } finally {
      process.env.NODE_ENV = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redacts secrets in either format', () => {
    const out = fakeStdout(true);
    createLogger('info', logDestination(out.stream)).info({ password: 'hunter2-hunter2' }, 'login');
    expect(out.text()).not.toContain('hunter2');
  });
});
