import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSm2KeyPair } from '../../../src/lib/sm2.js';
import { accessLogStatement } from '../../../src/modules/audit/access-log.js';
import { recordEvent } from '../../../src/modules/audit/events.js';
import { verifyReceipt } from '../../../src/modules/audit/receipt.js';
import { sealRound } from '../../../src/modules/audit/sealer.js';
import { auditSigningKey, logOrigin } from '../../../src/modules/audit/tree-head.js';
import { manualClock } from '../../helpers/clock.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, dataHeaders, grantedSystem, loadRecords } from '../exchange/query-fixtures.js';
import { refCanonical, refLeafHash, refRootFromPath, smCryptoVerify } from './reference.js';
import { checkCompleteness, checkEntry, checkHead, type AccessLog } from '../../../console/src/audit/verify.js';

// A data subject signed in through the identity provider sees exactly the accesses to its own
// records, each provable against the signed head with an independent verifier, numbered by the
// per-subject counter; an access under a grant with discretion is a counted, sealed entry until
// its disclosure time.

const clock = manualClock('2026-12-01T10:00:00');
const ISSUER = 'https://idp.gov.example';
let idpKey: CryptoKey;
let idpPublicKey: string;

describe('GET /v1/me/access-log', () => {
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    idpPublicKey = await exportSPKI(pair.publicKey);
  });
  // A function: read in useWorld's beforeAll, after the key pair above exists.
  const overrides = () => ({ IDP_PUBLIC_KEY: idpPublicKey, IDP_ISSUER: ISSUER, IDP_AUDIENCE: 'sharehub', IDP_SUBJECT_ID_CLAIM: 'id_number',
    IDP_SIGN_IN_URL: 'https://idp.gov.example/oauth2/authorize?client_id=sharehub-console' });
  const w = useWorld({ clock, overrides: overrides as unknown as Record<string, string> });
  const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER)
    .setAudience('sharehub').setIssuedAt().setExpirationTime('5m').sign(idpKey);
  const log = async (bearer?: string) => w.ctx.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  const f = useFixture(async () => {
    const resourceId = (await resourceOf(w)).id;
    await loadRecords(w.ctx, resourceId, [PERSON_A, PERSON_B], clock());
    const open = await grantedSystem(w, resourceId, clock());
    const discreet = await grantedSystem(w, resourceId, clock());
    // Discretion is a grant attribute set at approval (POST …/decision, discloseAfter); this grant
    // went through Route A, so the test sets the attribute on the row.
    await w.ctx.db('grants').where('id', discreet.grantId).update({ disclose_after: new Date('2026-12-31T00:00:00Z') });
    const read = async (system: { headers: Record<string, string> }, id: string, caseId: string) =>
      ok(await w.ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/records/${id}`, headers: dataHeaders(system, { 'x-case-id': caseId }) }));
    await read(open.system, PERSON_A.id_number, 'CASE-A1');
    await ok(await call(w, 'POST', `/v1/resources/${resourceId}/records/batch-get`, dataHeaders(open.system, { 'x-case-id': 'CASE-AB' }),
      { ids: [PERSON_A.id_number, PERSON_B.id_number] }));
    await read(discreet.system, PERSON_A.id_number, 'CASE-SECRET');
    await read(open.system, PERSON_B.id_number, 'CASE-B1');
    const signer = auditSigningKey(w.ctx.config);
    expect((await sealRound(w.ctx.db, { signer, origin: logOrigin(w.ctx.config), now: clock(), maxEvents: 10_000 })).status).toBe('sealed');
    return { resourceId, open, discreet, signer };
  });

  it('lists exactly the subject\'s accesses, numbered 1..count, each verifiable with an independent implementation', async () => {
    const res = await log(await token({ sub: 'citizen-a', id_number: PERSON_A.id_number }));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(res.body).not.toContain(PERSON_A.id_number);
    expect(body.count).toBe(3);
    expect(body.entries.map((e: { subjectSeq: number }) => e.subjectSeq)).toEqual([1, 2, 3]);
    expect(body.entries.map((e: { access: { caseId: string } | null }) => e.access?.caseId ?? null)).toEqual(['CASE-A1', 'CASE-AB', null]);
    const head = body.head;
    expect(smCryptoVerify(head.checkpoint, head.signature, f.signer.publicKey)).toBe(true);
    expect(body.statement).toBe(accessLogStatement(head.origin, body.subjectHash, 3, head.size, Buffer.from(head.rootHash, 'hex')));
    expect(smCryptoVerify(body.statement, body.statementSignature, f.signer.publicKey)).toBe(true);
    for (const entry of body.entries) {
      const root = refRootFromPath(entry.seq, head.size, Buffer.from(entry.leafHash, 'hex'), entry.auditPath.map((h: string) => Buffer.from(h, 'hex')));
      expect(root?.toString('hex')).toBe(head.rootHash);
      if (entry.sealed) continue;
      const leaf = refLeafHash(refCanonical({ v: 1, seq: entry.seq, subjectSeq: entry.subjectSeq, event: entry.event }));
      expect(leaf.toString('hex')).toBe(entry.leafHash);
      expect(entry.access).toMatchObject({ department: w.consumer.code, systemId: f.open.system.id, serviceItemCode: '330100-000-XK-00123', fields: ['id_number', 'name', 'birth_date'] });
    }
    const secret = body.entries[2];
    expect(secret).toMatchObject({ sealed: true, discloseAfter: '2026-12-31T00:00:00.000Z', access: null, event: null });

    // Another subject sees only its own two.
    const b = (await log(await token({ sub: 'citizen-b', id_number: PERSON_B.id_number }))).json();
    expect(b.count).toBe(2);
    expect(b.entries.map((e: { access: { caseId: string } }) => e.access.caseId)).toEqual(['CASE-AB', 'CASE-B1']);
  });

  it('pages with keyset cursors pinned to one head: the pages together hold 1..count under one signed statement', async () => {
    const bearer = await token({ sub: 'citizen-a', id_number: PERSON_A.id_number });
    const page = async (query: string) => w.ctx.app.inject({ method: 'GET', url: `/v1/me/access-log${query}`, headers: { authorization: `Bearer ${bearer}` } });
    const first = (await page('?limit=2')).json();
    expect(first.entries.map((e: { subjectSeq: number }) => e.subjectSeq)).toEqual([1, 2]);
    expect(first.nextCursor).toEqual(expect.any(String));
    // A new head in between: the next page stays on the head of the first.
    await recordEvent(w.ctx.db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: '2026', action: 'test.between_pages' });
    expect((await sealRound(w.ctx.db, { signer: f.signer, origin: logOrigin(w.ctx.config), now: clock(), maxEvents: 10_000 })).status).toBe('sealed');
    const second = (await page(`?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.entries.map((e: { subjectSeq: number }) => e.subjectSeq)).toEqual([3]);
    expect(second.nextCursor).toBeNull();
    expect(second.head).toEqual(first.head);
    expect([second.count, second.statement]).toEqual([first.count, first.statement]);
    expect(smCryptoVerify(second.statement, second.statementSignature, f.signer.publicKey)).toBe(true); // SM2 signatures are randomised
    for (const entry of second.entries) {
      const root = refRootFromPath(entry.seq, first.head.size, Buffer.from(entry.leafHash, 'hex'), entry.auditPath.map((h: string) => Buffer.from(h, 'hex')));
      expect(root?.toString('hex')).toBe(first.head.rootHash);
    }
    // The whole list in one page is the same entries.
    const all = (await page('?limit=200')).json();
    expect(all.head.size).toBeGreaterThan(first.head.size);
    expect(all.entries.map((e: { leafHash: string }) => e.leafHash)).toEqual([...first.entries, ...second.entries].map((e: { leafHash: string }) => e.leafHash));

    // A cursor that is not this list's, or another subject's, is a 400 naming it.
    const bad = await page('?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/querystring/cursor');
    const bBearer = await token({ sub: 'citizen-b', id_number: PERSON_B.id_number });
    const theirs = await w.ctx.app.inject({ method: 'GET', url: `/v1/me/access-log?limit=1&cursor=${first.nextCursor}`, headers: { authorization: `Bearer ${bBearer}` } });
    expect(theirs.statusCode).toBe(400);
    expect((await page('?limit=0')).statusCode).toBe(400);
  });

  it('reading one\'s access log is on the trail as the subject\'s keyed hash, which auditors see and admins do not', async () => {
    const body = (await log(await token({ sub: 'citizen-a', id_number: PERSON_A.id_number }))).json();
    const rows = await w.ctx.db('events').where({ action: 'audit.access_log_read' }).orderBy('id', 'desc').select('actor_kind', 'actor_id', 'subject_hash', 'details');
    expect(rows[0]).toMatchObject({ actor_kind: 'subject', actor_id: body.subjectHash, subject_hash: null });
    expect(JSON.stringify(rows)).not.toContain(PERSON_A.id_number);
    const seen = await w.ctx.app.inject({ method: 'GET', url: '/v1/audit/events?action=audit.access_log_read', headers: w.auditor });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().items[0]).toMatchObject({ actorKind: 'subject', actorId: body.subjectHash, entityId: 'access-log' });
    expect(seen.body).not.toContain(PERSON_A.id_number);
    const admin = await w.ctx.app.inject({ method: 'GET', url: '/v1/audit/events?action=audit.access_log_read', headers: w.admin });
    expect(admin.json().items).toEqual([]);
    // It is sealed like any event; it does not count as an access to the subject's records.
    expect((await sealRound(w.ctx.db, { signer: f.signer, origin: logOrigin(w.ctx.config), now: clock(), maxEvents: 10_000 })).status).toBe('sealed');
    expect((await log(await token({ sub: 'citizen-a', id_number: PERSON_A.id_number }))).json().count).toBe(3);
  });

  it('shows a discretion entry in full from its disclosure time', async () => {
    clock.set('2027-01-02T10:00:00');
    const body = (await log(await token({ sub: 'citizen-a', id_number: PERSON_A.id_number }))).json();
    expect(body.entries[2]).toMatchObject({ sealed: false, access: { caseId: 'CASE-SECRET', systemId: f.discreet.system.id } });
    clock.set('2026-12-01T10:00:00');
  });

  it('the web console\'s in-browser verifier accepts every entry, the head and the count, and refuses each alteration', async () => {
    const body = (await log(await token({ sub: 'citizen-a', id_number: PERSON_A.id_number }))).json() as AccessLog;
    const keys = [f.signer.publicKey];
    const consumerName = (await w.ctx.db('departments').where('code', w.consumer.code).first('name')).name;
    expect(body.entries[0]!.access).toMatchObject({ departmentName: consumerName });
    expect(checkHead(body.head, keys)).toBeNull();
    expect(body.entries.map((e) => checkEntry(e, body.head))).toEqual([null, null, null]);
    expect(checkCompleteness(body)).toBeNull();

    const [first, second] = body.entries as [AccessLog['entries'][number], AccessLog['entries'][number]];
    expect(checkHead(body.head, [generateSm2KeyPair().publicKey])).toMatch(/公钥/);
    const forged = { ...body.head, size: body.head.size + 1 };
    expect(checkHead({ ...forged, checkpoint: forged.checkpoint.replace(`\n${body.head.size}\n`, `\n${forged.size}\n`) }, keys)).toMatch(/签名/);
    expect(checkEntry({ ...first, event: { ...first.event, caseId: 'CASE-OTHER' } }, body.head)).toMatch(/内容/);
    // The position is inside the leaf: moving an entry changes what it hashes to.
    expect(checkEntry({ ...first, seq: second.seq }, body.head)).toMatch(/内容/);
    expect(checkEntry({ ...first, auditPath: ['00'.repeat(32), ...first.auditPath.slice(1)] }, body.head)).toMatch(/路径/);
    expect(checkEntry({ ...first, auditPath: first.auditPath.slice(1) }, body.head)).toMatch(/路径/);
    expect(checkCompleteness({ ...body, entries: body.entries.slice(1) })).toMatch(/编号/);
    expect(checkCompleteness({ ...body, count: body.count - 1 })).toMatch(/签名/);
  });

  it('a receipt verifies offline, and fails when its entry or head is altered', async () => {
    const body = (await log(await token({ sub: 'citizen-a', id_number: PERSON_A.id_number }))).json();
    const entry = body.entries[0];
    const receipt = { seq: entry.seq, subjectSeq: entry.subjectSeq, event: entry.event, leafHash: entry.leafHash, auditPath: entry.auditPath, head: body.head };
    expect(verifyReceipt(receipt, f.signer.publicKey)).toEqual({ ok: true });
    expect(verifyReceipt({ ...receipt, event: { ...entry.event, caseId: 'CASE-OTHER' } }, f.signer.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/leafHash/) });
    expect(verifyReceipt({ ...receipt, seq: receipt.seq + 1 }, f.signer.publicKey).ok).toBe(false);
    expect(verifyReceipt({ ...receipt, head: { ...body.head, size: body.head.size + 1 } }, f.signer.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    expect(verifyReceipt(receipt, generateSm2KeyPair().publicKey).ok).toBe(false);
  });

  it('tells the console, without sign-in, where data subjects sign in', async () => {
    const res = await w.ctx.app.inject({ method: 'GET', url: '/v1/auth/identity-provider' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ subjectSignIn: true, signInUrl: 'https://idp.gov.example/oauth2/authorize?client_id=sharehub-console' });
  });

  it('only a data subject signed in at the identity provider: 401 without a token, 403 for hub users and systems', async () => {
    expect((await log()).statusCode).toBe(401);
    expect((await w.ctx.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: w.auditor })).statusCode).toBe(403);
    expect((await w.ctx.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: f.open.system.headers })).statusCode).toBe(403);
    // A provider token without the subject claim is no data subject.
    expect((await log(await token({ sub: 'someone' }))).statusCode).toBe(401);
  });

  it('discretion is a grant attribute set at approval: the provider\'s decision names the disclosure time', async () => {
    const conditional = await resourceOf(w, { shareType: 2 });
    const refused = await submit(w, conditional.id, clock());
    await ok(await actions.accept(w, refused.id));
    const bad = await call(w, 'POST', `/v1/applications/${refused.id}/decision`, w.provider.admin, { decision: 'approve', discloseAfter: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/body/discloseAfter');
    const decided = await ok(await call(w, 'POST', `/v1/applications/${refused.id}/decision`, w.provider.admin,
      { decision: 'approve', discloseAfter: '2027-06-30T00:00:00Z' }));
    const grant = await w.ctx.db('grants').where('id', decided.grantId).first('disclose_after');
    expect(grant.disclose_after.toISOString()).toBe('2027-06-30T00:00:00.000Z');
  });
});
