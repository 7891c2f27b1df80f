import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../../src/console/build.js';
import { consolePaths } from '../../../src/console/paths.js';
import { launchChromium, menu, shot, signIn, SHOTS } from './browser.js';
import { FIRST_ADMIN_USERNAME } from '../../../src/bootstrap.js';
import { ADMIN_PASSWORD, buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { adminHeaders, makeDepartment, makeUser } from '../../helpers/fixtures.js';
import { sealRound } from '../../../src/modules/audit/sealer.js';
import { auditSigningKey, logOrigin } from '../../../src/modules/audit/tree-head.js';

// The web console in a real browser (Debian's chromium, driven by playwright-core) against a hub
// on a real port: every step is done by clicking as the role would. One browser for the file,
// one context (one in-memory session) per person. Screenshots go to ./screenshots (git-ignored).

const FIRST_LOAD_JS_GZIP_LIMIT = 500 * 1024;
const XSS_NAME = '<img src=x onerror=alert(1)>';
const PERSON = '330102197411220005';
const IDP_ISSUER = 'https://idp.zj.gov.example';

describe('the web console', { timeout: 60_000 }, () => {
  let ctx: TestContext;
  let base: string;
  let browser: Browser;
  const dialogs: string[] = [];
  // Errors the pages log (a CSP violation, an uncaught exception): none are expected.
  const browserErrors: string[] = [];
  let provider: Awaited<ReturnType<typeof makeUser>> & { name: string };
  let consumer: Awaited<ReturnType<typeof makeUser>> & { name: string };
  const contexts: BrowserContext[] = [];
  let resourceId = '';
  let consumerKey = '';
  let providerKey = '';
  let applicationId = '';
  // The identity provider (统一身份认证平台) of citizens and companies: a real local HTTP server
  // whose authorization endpoint signs PERSON in at once and sends the browser back with an
  // RS256 token in the fragment, as OAuth 2.0's response_type=token does.
  let idp: http.Server;

  beforeAll(async () => {
    await ensureConsoleBuilt({ info: () => {}, warn: () => {} });
    const idpKeys = await generateKeyPair('RS256');
    idp = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://idp');
      const back = url.searchParams.get('redirect_uri') ?? '';
      if (url.pathname !== '/authorize' || url.searchParams.get('response_type') !== 'token' || !back.startsWith(`${base}/console/`)) {
        res.writeHead(400).end();
        return;
      }
      void new SignJWT({ id_number: PERSON }).setProtectedHeader({ alg: 'RS256' }).setSubject('citizen-zhang').setIssuer(IDP_ISSUER)
        .setAudience('sharehub').setIssuedAt().setExpirationTime('10m').sign(idpKeys.privateKey).then((token) => {
          const fragment = new URLSearchParams({ access_token: token, token_type: 'Bearer', state: url.searchParams.get('state') ?? '' });
          res.writeHead(302, { location: `${back}#${fragment}` }).end();
        });
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    ctx = await buildTestApp({
      IDP_PUBLIC_KEY: await exportSPKI(idpKeys.publicKey), IDP_ISSUER, IDP_AUDIENCE: 'sharehub', IDP_SUBJECT_ID_CLAIM: 'id_number',
      IDP_SIGN_IN_URL: `http://127.0.0.1:${(idp.address() as AddressInfo).port}/authorize?client_id=sharehub-console`,
    });
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const providerDept = await makeDepartment(ctx, { name: '浙江省公安厅' });
    const consumerDept = await makeDepartment(ctx, { name: '浙江省人力资源和社会保障厅' });
    provider = { ...(await makeUser(ctx, 'dept_admin', providerDept.code)), name: providerDept.name };
    consumer = { ...(await makeUser(ctx, 'dept_admin', consumerDept.code)), name: consumerDept.name };
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await ctx?.close();
    idp?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: base });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') browserErrors.push(m.text()); });
    page.on('pageerror', (e) => browserErrors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return page;
  }

  /** Picks an option of an Element Plus select (its dropdown is teleported to the body). */
  async function choose(page: Page, select: string, option: string) {
    await page.click(select);
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: option }).first().click();
  }

  /** Waits for the success message a step shows. */
  const toast = (page: Page, text: string) => page.waitForSelector(`.el-message--success:has-text("${text}")`);

  let providerPage: Page;
  let adminPage: Page;
  let consumerPage: Page;

  it('serves the sign-in page with a strict CSP, under 500 KB of JavaScript (gzip) on first load; /docs keeps its own headers', async () => {
    const page = await newPage();
    const scripts: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) scripts.push(new URL(r.url()).pathname);
    });
    const res = await page.goto('/console/');
    await page.waitForSelector('text=管理门户登录', { timeout: 10_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${browserErrors.join('\n')}`);
    });
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res!.headers()['x-content-type-options']).toBe('nosniff');

    const dist = consolePaths().dist;
    let gzip = 0;
    for (const p of new Set(scripts)) gzip += gzipSync(await fs.readFile(path.join(dist, p.replace(/^\/console\//, '')))).length;
    expect(scripts.length).toBeGreaterThan(0);
    expect(gzip).toBeLessThan(FIRST_LOAD_JS_GZIP_LIMIT);
    // Route-level splitting: no other page's code is in the first load.
    expect(scripts.some((s) => /ResourceEditView|InboxView|CatalogReviewView/.test(s))).toBe(false);
    await fs.writeFile(path.join(SHOTS, 'first-load.txt'), `first load: ${scripts.length} scripts, ${gzip} bytes gzip\n`);
    // Assets are named by content hash and cached for good; the index page is revalidated.
    expect((await fetch(`${base}${scripts[0]}`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/console/index.html`)).headers.get('cache-control')).toBe('no-cache');

    const docs = await fetch(`${base}/docs/json`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBeNull();
    // A page the console does not have is its sign-in, an asset it does not have a 404.
    expect((await fetch(`${base}/console/assets/missing.js`)).status).toBe(404);
    await shot(page, '01-login');
  });

  it('a department data officer drafts a resource with its data items and submits it', async () => {
    providerPage = await newPage();
    const page = providerPage;
    await signIn(page, provider.username, provider.password);
    await expect.poll(() => page.textContent('[data-test=department-name]')).toBe('浙江省公安厅');
    await menu(page, '本部门资源目录');
    await page.click('[data-test=new-resource]');
    await page.fill('input[name=code]', '101001/00077');
    await page.fill('input[name=name]', '人口基础信息（测试）');
    await page.fill('textarea[name=summary]', '全省户籍人口的基础信息');
    await choose(page, '[data-test=share-type]', '有条件共享');
    await page.fill('input[name=shareConditions]', '仅用于社会保险待遇核验');
    await page.fill('input[name=legalBasis]', '《社会保险法》第七十五条');
    await page.fill('input[name=subjectKey]', 'idNumber');
    await page.fill('input[name=contactName]', '张三');
    await page.fill('input[name=contactPhone]', '0571-87000000');
    for (const [key, name, length] of [['fullName', '姓名', '50'], ['gender', '性别', '1']] as const) {
      await page.click('[data-test=add-item]');
      const row = page.locator('[data-test=data-items] .el-table__body tr').last();
      await row.locator('.item-key input').fill(key);
      await row.locator('.item-name input').fill(name);
      await row.locator('.el-input-number input').fill(length);
      await row.locator('.item-mask input').fill(key === 'fullName' ? 'first:1' : 'none');
    }
    await shot(page, '02-resource-draft');
    await page.click('[data-test=save-submit]');
    await toast(page, '已保存并提交平台审核');
    const row = page.locator('[data-test=my-resources] tr', { hasText: '人口基础信息（测试）' });
    await expect.poll(() => row.textContent()).toContain('待审核');
    const listed = await ctx.db('resources').where({ code: '101001/00077' }).first('id');
    resourceId = listed.id;
  });

  it('the platform reviews the catalog entry (a diff of the versions) and publishes it', async () => {
    adminPage = await newPage();
    const page = adminPage;
    await signIn(page, FIRST_ADMIN_USERNAME, ADMIN_PASSWORD);
    await menu(page, '目录审核');
    await page.locator('[data-test=resource-queue] tr', { hasText: '人口基础信息（测试）' }).locator('[data-test=open-review]').click();
    const diff = page.locator('[data-test=resource-diff]');
    await expect.poll(() => diff.textContent()).toContain('首次发布');
    expect(await diff.textContent()).toContain('公民身份号码');
    await shot(page, '02b-catalog-review');
    await page.click('[data-test=publish]');
    await toast(page, '已发布');
    const versions = await ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/versions`, headers: await adminHeaders(ctx) });
    expect(versions.json().publishedVersion).toBe(1);
  });

  it('the provider registers a system (its key shown once, with a copy button) and loads records from a file, line errors shown', async () => {
    const page = providerPage;
    await menu(page, '应用系统与密钥');
    await page.click('[data-test=new-system]');
    await page.fill('input[name=systemName]', '人口库装载系统');
    await page.click('[data-test=create-system]');
    const key = (await page.textContent('[data-test=issued-key]'))!.trim();
    expect(key).toMatch(/^shk_/);
    providerKey = key;
    await page.click('[data-test=copy-key]');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await shot(page, '03-system-key');
    await page.click('[data-test=close-key]');
    // Shown once: after closing, only its prefix is on the page.
    expect(await page.content()).not.toContain(key);

    await menu(page, '数据装载');
    await choose(page, '[data-test=load-resource]', '人口基础信息（测试）');
    await page.fill('input[name=apiKey]', key);
    const lines = [
      { idNumber: PERSON, fullName: '示例甲一', gender: '1' },
      { idNumber: '330105199701190009', fullName: '示例甲二', gender: '2' },
      { idNumber: '330105199701190008', fullName: '校验位错', gender: '1' },
    ].map((l) => JSON.stringify(l)).join('\n');
    await page.setInputFiles('[data-test=load-file]', { name: 'people.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${lines}\n`) });
    await page.click('[data-test=upload]');
    const summary = page.locator('[data-test=load-summary]');
    await expect.poll(() => summary.textContent()).toContain('新增2');
    expect(await summary.textContent()).toContain('拒绝1');
    expect(await page.locator('[data-test=load-errors] .el-table__body tr').first().textContent()).toMatch(/^3/);
    expect(await page.locator('[data-test=progress]').textContent()).toContain('100%');
    await shot(page, '04-records-load');
  });

  it('a consumer registers its system, applies for the resource and follows it on the timeline', async () => {
    consumerPage = await newPage();
    const page = consumerPage;
    await signIn(page, consumer.username, consumer.password);
    await menu(page, '应用系统与密钥');
    await page.click('[data-test=new-system]');
    await page.fill('input[name=systemName]', '社保待遇审批系统');
    await page.click('[data-test=create-system]');
    consumerKey = (await page.textContent('[data-test=issued-key]'))!.trim();
    await page.click('[data-test=close-key]');

    await menu(page, '资源目录');
    await page.fill('[data-test=catalog-search]', '人口基础');
    await page.keyboard.press('Enter');
    await page.locator('[data-test=catalog] tr', { hasText: '人口基础信息（测试）' }).locator('[data-test=apply]').click();
    for (const field of ['idNumber', 'fullName', 'gender']) await page.click(`[data-field=${field}]`);
    await page.fill('input[name=purpose]', '核验养老保险待遇申领人身份');
    await page.fill('input[name=legalBasis]', '《社会保险法》第七十五条');
    await page.fill('input[name=serviceItemCode]', '330000-SB-0001');
    await shot(page, '05-apply');
    await page.click('[data-test=submit-application]');
    await expect.poll(() => page.textContent('[data-test=application-status]')).toBe('待平台审核');
    applicationId = page.url().split('/').pop()!;
    expect(await page.textContent('[data-test=timeline]')).toContain('提交申请');
  });

  it('the platform accepts it from the review queue (deadline and colour shown); Route B sends it to the provider', async () => {
    const page = adminPage;
    await menu(page, '申请审核队列');
    const row = page.locator('[data-test=review-queue] tr', { hasText: '人口基础信息（测试）' });
    expect(await row.locator('.sla-tag').textContent()).toBe('正常');
    await shot(page, '06-review-queue');
    await row.click();
    await page.click('[data-test=accept]');
    await expect.poll(() => page.textContent('[data-test=application-status]')).toBe('待提供方审批');
  });

  it('the provider approves it in the inbox with narrowed fields', async () => {
    const page = providerPage;
    await menu(page, '待我审批');
    await page.locator('[data-test=inbox] tr', { hasText: '人口基础信息（测试）' }).locator('[data-test=decide]').click();
    await page.click('[data-test=decision-form] [data-field=gender]');
    await shot(page, '07-inbox-decision');
    await page.click('[data-test=confirm-decision]');
    await toast(page, '已同意');
  });

  it('the consumer sees the grant on the timeline, and its system pulls the record with the narrowed fields only', async () => {
    const page = consumerPage;
    await page.goto(`/console/applications/${applicationId}`);
    // A reload signs out (the token lives in memory only): sign in again, back to the page.
    await page.waitForSelector('text=管理门户登录');
    await page.fill('input[name=username]', consumer.username);
    await page.fill('input[name=password]', consumer.password);
    await page.click('button:has-text("登 录")');
    await expect.poll(() => page.textContent('[data-test=application-status]')).toBe('已授权');
    const timeline = await page.textContent('[data-test=timeline]');
    for (const step of ['提交申请', '审核通过', '提供方同意']) expect(timeline).toContain(step);
    await shot(page, '08-application-timeline');

    const res = await fetch(`${base}/v1/resources/${resourceId}/records/${PERSON}`, {
      headers: { authorization: `Bearer ${consumerKey}`, 'x-case-id': '2026-SB-000123', 'x-operator-id': 'op-0042', 'x-service-item': '330000-SB-0001' },
    });
    expect(res.status).toBe(200);
    const record = (await res.json()) as { fields: Record<string, string> };
    expect(Object.keys(record.fields).sort()).toEqual(['fullName', 'idNumber']);
    expect(record.fields.fullName).toBe('示***');
  });

  it('the citizen whose record was read signs in at the identity provider and sees that access, verified in the browser', async () => {
    const sealed = await sealRound(ctx.db, { signer: auditSigningKey(ctx.config), origin: logOrigin(ctx.config), now: new Date(), maxEvents: 10_000 });
    expect(sealed.status).toBe('sealed');
    const page = await newPage();
    await page.goto('/console/login');
    await page.click('[data-test=citizen-sign-in]');
    await page.click('[data-test=idp-sign-in]');
    const row = page.locator('[data-test=access-log] tr', { hasText: '2026-SB-000123' });
    await expect.poll(() => row.textContent().catch(() => ''), { timeout: 15_000 }).toContain('浙江省人力资源和社会保障厅');
    // The token left the address bar; the mark is the browser's own computation (SM3 leaf,
    // RFC 6962 path, SM2 head signature), and the per-subject counter is complete.
    expect(page.url()).toBe(`${base}/console/citizen/access-log`);
    expect(await row.textContent()).toContain('fullName');
    expect(await row.textContent()).toContain('330000-SB-0001');
    await expect.poll(() => row.locator('[data-test=verified]').textContent()).toBe('已验证');
    expect(await page.locator('[data-test=not-verified]').count()).toBe(0);
    expect(await page.textContent('[data-test=completeness]')).toMatch(/第 1–\d+ 条，无缺漏/);
    await shot(page, '08b-citizen-access-log');
  });

  it('the consumer raises an objection to a field it received; the provider sees it with its deadline and corrects it', async () => {
    const page = consumerPage;
    await menu(page, '数据纠错');
    await page.click('[data-test=raise-objection]');
    await choose(page, '[data-test=objection-grant]', '人口基础信息（测试）');
    await page.click('[data-test=raise-form] [data-field=fullName]');
    await page.fill('input[name=objectionSubject]', PERSON);
    await page.fill('textarea[name=objectionReason]', '姓名与户籍登记不符，申请人提供了户口簿');
    await page.click('[data-test=submit-objection]');
    await toast(page, '纠错已提交');
    await expect.poll(() => page.locator('[data-test=objections] tr', { hasText: 'fullName' }).textContent()).toContain('待处理');

    const provider = providerPage;
    await menu(provider, '数据纠错');
    const row = provider.locator('[data-test=objections] tr', { hasText: '姓名与户籍登记不符' });
    await expect.poll(() => row.locator('.sla-tag').textContent()).toBe('正常');
    await shot(provider, '08c-objections');
    await row.locator('[data-test=decide-objection]').click();
    await provider.fill('input[name=correctedValue]', '示例甲改');
    await provider.fill('textarea[name=decisionReason]', '已核对户籍档案并更正');
    await provider.fill('input[name=objectionApiKey]', providerKey);
    await provider.click('[data-test=confirm-objection]');
    await toast(provider, '已更正');
    await expect.poll(() => row.locator('[data-test=objection-status]').textContent()).toBe('已更正');
    expect(await row.textContent()).toContain('已核对户籍档案并更正');
    await menu(provider, '一数一源校核');
    await expect.poll(() => provider.textContent('[data-test=discrepancies]')).toContain('暂无数据');
  });

  it('the platform admin manages departments and users, sees the provisional-year warning and the dead letters', async () => {
    const page = adminPage;
    await menu(page, '部门管理');
    await expect.poll(() => page.textContent('[data-test=departments]')).toContain('浙江省公安厅');
    await menu(page, '用户管理');
    await page.click('[data-test=new-user]');
    await page.fill('input[name=newUsername]', 'gat-operator');
    await page.fill('input[name=newDisplayName]', '公安厅数据专员');
    await page.fill('input[name=newDepartmentCode]', provider.departmentCode);
    await page.fill('input[name=newPassword]', 'operator-password-123');
    await page.click('[data-test=create-user]');
    await toast(page, '用户已创建');
    const row = page.locator('[data-test=users] tr', { hasText: 'gat-operator' });
    await expect.poll(() => row.textContent()).toContain('浙江省公安厅');
    expect(await row.textContent()).toContain('部门数据专员');
    await shot(page, '10-users');
    await menu(page, '节假日日历');
    // Next year's notice is not entered: its deadlines are provisional, and the page says so.
    await expect.poll(() => page.textContent('[data-test=provisional-warning]').catch(() => '')).toContain(`${new Date().getFullYear() + 1} 年放假安排尚未录入`);
    await menu(page, '死信与重投');
    await expect.poll(() => page.textContent('[data-test=dead-letters]')).toContain('暂无数据');
  });

  it('shows a resource named like markup as those characters, and no script runs', async () => {
    const page = providerPage;
    await menu(page, '本部门资源目录');
    await page.click('[data-test=new-resource]');
    await page.fill('input[name=code]', '101001/00078');
    await page.fill('input[name=name]', XSS_NAME);
    await page.fill('textarea[name=summary]', XSS_NAME);
    await page.fill('input[name=subjectKey]', 'idNumber');
    await page.fill('input[name=contactName]', '张三');
    await page.fill('input[name=contactPhone]', '0571-87000000');
    await page.click('[data-test=save-draft]');
    const row = page.locator('[data-test=my-resources] tr', { hasText: '101001/00078' });
    await expect.poll(() => row.textContent()).toContain(XSS_NAME);
    expect(await page.locator('img[src=x]').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it('a page of something outside the caller\'s reach says so in plain Chinese', async () => {
    const page = providerPage;
    // Navigated inside the page (a reload would sign out): the router reads the new path.
    await page.evaluate(`history.pushState({}, '', '/console/applications/${randomUUID()}'); dispatchEvent(new PopStateEvent('popstate'))`);
    await expect.poll(() => page.textContent('[data-test=problem]')).toContain('未找到该对象');
  });

  it('leads back to sign-in when the hub refuses the session (401), and when the token\'s time is up', async () => {
    // The hub ends a session when the password changes (a second later: tokens carry whole seconds).
    const page = consumerPage;
    await new Promise((r) => setTimeout(r, 1100));
    const reset = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${consumer.id}`, headers: await adminHeaders(ctx), payload: { password: 'a-new-password-for-the-test' } });
    expect(reset.statusCode, reset.body).toBe(200);
    await menu(page, '我的申请');
    await expect.poll(() => page.textContent('[data-test=login-notice]').catch(() => '')).toContain('登录已失效');

    // Expiry in the browser: the clock moves past the token's lifetime (JWT_TTL_SECONDS, 900 s).
    const expiring = await newPage();
    await expiring.clock.install();
    await signIn(expiring, provider.username, provider.password);
    await expiring.clock.fastForward('16:00');
    await expect.poll(() => expiring.textContent('[data-test=login-notice]').catch(() => '')).toContain('会话已过期');
    await shot(expiring, '09-session-expired');
  });

  it('ran every page without a Content-Security-Policy violation or an uncaught error', () => {
    expect(browserErrors.filter((e) => /Content Security Policy|Refused to|Uncaught/i.test(e))).toEqual([]);
  });
});
