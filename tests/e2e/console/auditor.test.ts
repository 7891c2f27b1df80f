import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../../src/console/build.js';
import { launchChromium, menu, shot, signIn } from './browser.js';
import { FIRST_ADMIN_USERNAME } from '../../../src/bootstrap.js';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { createAccessAppender, type AccessEvent } from '../../../src/modules/audit/access-events.js';
import { subjectSearchHashes } from '../../../src/modules/audit/audit-events.js';
import { sealRound } from '../../../src/modules/audit/sealer.js';
import { auditSigningKey, logOrigin } from '../../../src/modules/audit/tree-head.js';
import { jobContext } from '../../../src/modules/context.js';
import { openSupervisionCase } from '../../../src/modules/supervision/cases.js';
import { refreshAccessRollups } from '../../../src/modules/supervision/rollups.js';
import { ADMIN_PASSWORD, buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { makeSystem, makeUser } from '../../helpers/fixtures.js';
import { actions, makeWorld, ok, resourceOf, submit } from '../../helpers/workflow.js';

// The auditor's pages in a real browser, against a hub on a real port (as console.test.ts does):
// the trail searched by a data subject's id (matched by the API through its keyed hash) and
// exported as CSV through the signed-in client, the signed tree head with a green verification,
// and the supervision dashboard drawn by ECharts; then the platform records a 督办 action.
// The trail's data-access events are written by its own appender, sealed by the sealer, and
// rolled up as the jobs would, so the file stays quick (no workers, no waiting).

const PERSON = '330102197411220005';
const OTHER_PERSON = '330105199701190009';

describe('the auditor in the web console', { timeout: 60_000 }, () => {
  let ctx: TestContext;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const browserErrors: string[] = [];
  let auditor: Awaited<ReturnType<typeof makeUser>>;
  let resourceName = '';
  let caseId = '';
  let auditorPage: Page;

  beforeAll(async () => {
    await ensureConsoleBuilt({ info: () => {}, warn: () => {} });
    ctx = await buildTestApp();
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    auditor = await makeUser(ctx, 'auditor');

    // The workflow: one application accepted (the platform's review, on time), one left open
    // past its deadline with a 督办 case.
    const w = await makeWorld(ctx);
    resourceName = '户籍人口基础信息（审计测试）';
    const resource = await resourceOf(w, { shareType: 2, name: resourceName });
    await ok(await actions.accept(w, (await submit(w, resource.id, new Date())).id));
    const late = await submit(w, resource.id, new Date());
    caseId = (await openSupervisionCase(ctx.db, {
      applicationId: late.id, step: 'review', responsibleCode: ctx.config.PLATFORM_DEPARTMENT_CODE, dueAt: new Date(Date.now() - 86_400_000), now: new Date(), actor: { kind: 'scheduler' },
    }))!;

    // Four reads by a consumer system: three of PERSON (one refused), one of another person.
    const system = await makeSystem(ctx, w.consumer.code);
    const hash = (id: string) => subjectSearchHashes([deriveKeys(ctx.config.SHAREHUB_SECRET_KEY)], id)[0]!;
    const read = (subject: string, latencyMs: number, reason: string | null = null): AccessEvent => ({
      systemId: system.id, departmentCode: w.consumer.code, action: 'record.read', resourceId: resource.id, grantId: null,
      subjectHash: hash(subject), subjectMasked: `${subject.slice(0, 4)}**********${subject.slice(-4)}`, fields: ['name'],
      serviceItemCode: '330000-SB-0001', caseId: `2026-SB-${latencyMs}`, operatorId: 'op-0042', outcome: reason ? 'failure' : 'success', reason,
      requestId: randomUUID(), latencyMs, occurredAt: new Date(Date.now() - 1_000),
    });
    const appender = createAccessAppender(ctx.db);
    await appender.append([read(PERSON, 12), read(PERSON, 40), read(PERSON, 7, 'SUBJECT_NOT_FOUND'), read(OTHER_PERSON, 300)]);
    await appender.close();
    await refreshAccessRollups(jobContext(ctx.db, new Date()), { settleSeconds: 0 });
    const sealed = await sealRound(ctx.db, { signer: auditSigningKey(ctx.config), origin: logOrigin(ctx.config), now: new Date(), maxEvents: ctx.config.AUDIT_SEAL_MAX_EVENTS });
    expect(sealed.status).toBe('sealed');

    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await ctx?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: base, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') browserErrors.push(m.text()); });
    page.on('pageerror', (e) => browserErrors.push(e.message));
    return page;
  }

  // The machine is shared and slow at times: a page may take a few seconds to load its chunk and data.
  const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
  const rows = (page: Page, table: string) => page.locator(`[data-test=${table}] .el-table__body > tbody > tr.el-table__row`);

  it('searches the trail by a data subject\'s id and exports the matches as CSV, the token never in a URL', async () => {
    auditorPage = await newPage();
    const page = auditorPage;
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await signIn(page, auditor.username, auditor.password);
    await menu(page, '审计日志查询');
    await poll(() => rows(page, 'audit-events').count()).toBeGreaterThan(4);

    await page.fill('input[name=subjectId]', PERSON);
    await page.click('[data-test=audit-search]');
    await poll(() => rows(page, 'audit-events').count()).toBe(3);
    const shown = await rows(page, 'audit-events').allTextContents();
    for (const row of shown) expect(row).toContain('3301**********0005');
    expect(shown.filter((r) => r.includes('失败'))).toHaveLength(1);
    expect(shown.join()).toContain('查询记录');
    await shot(page, 'audit-01-trail-search');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=audit-export]')]);
    expect(download.url()).toMatch(/^blob:/);
    expect(download.suggestedFilename()).toBe('audit-events.csv');
    const csv = (await fs.readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(csv[0]).toMatch(/^id,seq,occurredAt,actorKind/);
    expect(csv.slice(1)).toHaveLength(3);
    for (const line of csv.slice(1)) expect(line).toContain('3301**********0005');
    expect(csv.join()).not.toContain(PERSON);
    // The subject id went in the query (the API hashes it); the token (a JWT) only in a header.
    expect(urls.filter((u) => /eyJ[\w-]+\.eyJ|token=/.test(u))).toEqual([]);
  });

  it('shows the latest signed tree head, the SM2 key, and a green verification', async () => {
    const page = auditorPage;
    await menu(page, '日志树头与校验');
    const head = (await ok(await ctx.app.inject({ method: 'GET', url: '/v1/audit/tree-heads/latest' }))) as { size: number; rootHash: string; publicKey: string };
    await poll(() => page.textContent('[data-test=tree-size]').catch(() => '')).toBe(String(head.size));
    expect(await page.textContent('[data-test=root-hash]')).toBe(head.rootHash);
    expect(await page.textContent('[data-test=sm2-public-key]')).toBe(head.publicKey);
    await poll(() => page.textContent('[data-test=verify-ok]').catch(() => '')).toContain('校验通过');
    expect(await page.locator('[data-test=verify-failed]').count()).toBe(0);
    await shot(page, 'audit-02-tree-head');
  });

  it('opens the supervision dashboard: ranking, cards and latency charts drawn on canvases, CSV of the figures', async () => {
    const page = auditorPage;
    await menu(page, '效能监督');
    await poll(() => page.locator('[data-test=department-charts] canvas').count()).toBeGreaterThan(0);
    await poll(() => page.textContent('[data-test=department-figures]')).toContain('100.0%');
    // A drawn canvas has pixels that are not blank (typed by hand: the root tsconfig has no DOM types).
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const inked = await page.locator('[data-test=department-charts] canvas').first().evaluate((element: unknown) => {
      const c = element as Canvas;
      return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 3 && _ > 0).length;
    });
    expect(inked).toBeGreaterThan(1000);
    await shot(page, 'audit-03-supervision-departments');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-departments]')]);
    expect(download.suggestedFilename()).toMatch(/^sharehub-departments-.*\.csv$/);
    // The hub's CSV of the figures (Accept: text/csv): a line per department and step, and its total.
    const figures = (await fs.readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(figures[0]).toMatch(/^\uFEFF?period_from,period_to,department_code,/);
    // The platform's totals: two received, one decided, in time (rate 1).
    expect(figures.find((l) => l.includes(ctx.config.PLATFORM_DEPARTMENT_CODE) && l.includes(',all,'))).toContain(',all,2,1,1,1,');

    await page.getByRole('tab', { name: '资源调用' }).click();
    await poll(() => page.locator('[data-test=resource-charts] canvas').count()).toBeGreaterThan(0);
    const resourceRow = rows(page, 'resource-figures').filter({ hasText: resourceName });
    await poll(() => resourceRow.textContent()).toContain('无该对象记录 1');
    expect((await resourceRow.locator('td').nth(1).textContent())?.trim()).toBe('4');
    await shot(page, 'audit-04-supervision-resources');
  });

  it('the platform records a reminder on an open 督办 case; the auditor may only read cases', async () => {
    const page = await newPage();
    await signIn(page, FIRST_ADMIN_USERNAME, ADMIN_PASSWORD);
    await menu(page, '督办案件');
    const row = rows(page, 'supervision-cases').first();
    await poll(() => row.textContent().catch(() => '')).toContain('规范性审查');
    await row.locator('[data-test=case-action]').click();
    await page.fill('textarea[name=caseNote]', '请于两个工作日内完成规范性审查');
    await page.click('[data-test=confirm-case-action]');
    await page.waitForSelector('.el-message--success:has-text("已记录催办")');
    const stored = await ctx.db('supervision_actions').where('case_id', caseId).select('kind', 'note');
    expect(stored).toEqual([{ kind: 'reminder', note: '请于两个工作日内完成规范性审查' }]);
    await shot(page, 'audit-05-supervision-cases');

    await menu(auditorPage, '督办案件');
    await poll(() => rows(auditorPage, 'supervision-cases').count()).toBe(1);
    expect(await auditorPage.locator('[data-test=case-action]').count()).toBe(0);
  });

  it('ran every page without a Content-Security-Policy violation or an uncaught error', () => {
    expect(browserErrors.filter((e) => /Content Security Policy|Refused to|Uncaught/i.test(e))).toEqual([]);
  });
});
