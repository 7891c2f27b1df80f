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
    expect(lines.length).toBeGreaterThanOrEqual(2); // one access line per request
  });

  it('writes one access line per request at info: method, masked URL, id, status and time', async () => {
    const before = lines.length;
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/records/11010519491231002X' });
    const mine = lines.slice(before).map((l) => JSON.parse(l) as { msg: string; reqId: string; req?: { method: string; url: string; id: string }; res?: { statusCode: number }; responseTime?: number })
      .filter((l) => l.reqId === res.headers['x-request-id']);
    expect(mine.map((l) => l.msg)).toEqual(['request completed']);
    expect(mine[0]).toMatchObject({ req: { method: 'GET', url: '/v1/records/110105********002X', id: res.headers['x-request-id'] }, res: { statusCode: res.statusCode } });
    expect(mine[0]!.responseTime).toBeGreaterThan(0);
  });

  it('redacts secrets by key at any depth, in arrays and in child bindings, whatever the case of the key', () => {
    ctx.app.log.child({ session: { accessToken: 'tok-binding-1' } }).info({
      password: 'pw-top-1',
      user: { token: 'tok-nested-1' },
      a: { b: { webhookSecret: 'sec-deep-1', c: { d: [{ ApiKey: 'key-in-array-1' }] } } },
      headers: { Authorization: 'Bearer tok-header-1' },
      kept: 'visible-1',
    }, 'probe');
    const probe = lines.find((l) => l.includes('"probe"'))!;
    expect(probe).toBeDefined();
    for (const secret of ['pw-top-1', 'tok-nested-1', 'sec-deep-1', 'key-in-array-1', 'tok-header-1', 'tok-binding-1']) expect(probe).not.toContain(secret);
    expect(probe.match(/\[redacted\]/g)).toHaveLength(6);
    expect(JSON.parse(probe).kept).toBe('visible-1');
  });

  it('masks a 公民身份号码 wherever it stands in a line, and leaves other numbers alone', () => {
    ctx.app.log.warn({ note: 'applicant 11010519491231002X', nested: { list: ['440524188001010014'] }, count: 1234567890123, long: '1234567890123456789' }, 'id probe 11010519491231002x');
    const probe = lines.find((l) => l.includes('id probe'))!;
    expect(probe).toBeDefined();
    expect(probe).not.toMatch(/11010519491231002X|440524188001010014/i);
    expect(probe).toContain('110105********002X');
    expect(probe).toContain('440524********0014');
    expect(JSON.parse(probe)).toMatchObject({ count: 1234567890123, long: '1234567890123456789' });
  });
});
