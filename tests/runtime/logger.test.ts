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

  it('is one JSON object a line otherwise, whatever NODE_ENV says', () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      expect(logDestination(fakeStdout(false).stream)).toBeUndefined();
    } finally {
      process.env.NODE_ENV = saved;
    }
  });

  it('redacts secrets in either format', () => {
    const out = fakeStdout(true);
    createLogger('info', logDestination(out.stream)).info({ password: 'hunter2-hunter2' }, 'login');
    expect(out.text()).not.toContain('hunter2');
  });
});
