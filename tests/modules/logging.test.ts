import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeSystem, makeUser } from '../helpers/fixtures.js';
import { useTestApp } from '../helpers/use-test-app.js';

describe('logs carry no secrets and no personal data', () => {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const ctx = useTestApp({ LOG_LEVEL: 'info' }, { logStream: stream });

  it('redacts the authorization header and masks 公民身份号码 in URLs', async () => {
    const user = await makeUser(ctx, 'dept_admin');
    const system = await makeSystem(ctx, user.departmentCode);
    await ctx.app.inject({ method: 'GET', url: '/v1/records/11010519491231002X?x=440524188001010014', headers: { ...system.headers, 'x-debug': 'y' } });
    await ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username: user.username, password: user.password } });
    const text = lines.join('\n');
    expect(text).toContain('110105********002X');
    expect(text).toContain('440524********0014');
    expect(text).not.toContain('11010519491231002X');
    expect(text).not.toContain(system.apiKey);
    expect(text).not.toContain(user.password);
    expect(lines.length).toBeGreaterThan(2);
  });

  it('redacts secrets by key at the top level and nested two deep', () => {
    ctx.app.log.info({ password: 'pw-top-1', user: { token: 'tok-nested-1' }, a: { b: { webhookSecret: 'sec-deep-1' } } }, 'probe');
    const probe = lines.find((l) => l.includes('"probe"'))!;
    expect(probe).toBeDefined();
    for (const secret of ['pw-top-1', 'tok-nested-1', 'sec-deep-1']) expect(probe).not.toContain(secret);
    expect(probe.match(/\[redacted\]/g)).toHaveLength(3);
  });
});
