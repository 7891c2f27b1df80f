// A provider-served resource (delivery.mode = provider_api) behind a real local endpoint, and a
// consumer system granted on it: what the forwarding tests share.
import { expect } from 'vitest';
import { completeProvisioning } from '../../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../../src/modules/applications/settings.js';
import type { Clock } from '../../../src/lib/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { startProviderServer, type ProviderServer } from '../../helpers/provider-server.js';
import { actions, applicationBody, call, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B } from './query-fixtures.js';

export const PROVIDER_UPDATED = '2026-11-30T08:00:00Z';
export const providerFieldsOf = (p: typeof PERSON_A) => ({ name: p.name, birth_date: p.birth_date, address: p.address });

/** Grants `systemId` the fields of a resource (Route A); a provider-served one is provisioned at once (the probe is the workers'). */
export async function grantOn(w: World, clock: Clock, systemId: string, resourceId: string, fields: string[]) {
  const application = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, systemId, clock(), { fields })), 201);
  const accepted = await ok(await actions.accept(w, application.id));
  if (accepted.status === 'provisioning') {
    await completeProvisioning({ db: w.ctx.db, settings: workflowSettings(w.ctx.config), now: clock(), actor: { kind: 'worker' } }, application.id);
  }
  const grant = await w.ctx.db('grants').where('application_id', application.id).first('id');
  return grant.id as string;
}

/** A provider endpoint with PERSON_A and PERSON_B, its resource, and a consumer system granted `fields` (closed by the caller: `servers`). */
export async function providerWithGrant(w: World, clock: Clock, servers: ProviderServer[], fields = ['id_number', 'name', 'birth_date']) {
  const server = await startProviderServer({ secret: w.provider.webhookSecret, nowSeconds: () => Math.floor(clock().getTime() / 1000) });
  servers.push(server);
  server.records.set(PERSON_A.id_number, { updatedAt: PROVIDER_UPDATED, fields: providerFieldsOf(PERSON_A) });
  server.records.set(PERSON_B.id_number, { updatedAt: PROVIDER_UPDATED, fields: providerFieldsOf(PERSON_B) });
  const resourceId = (await resourceOf(w, { delivery: { mode: 'provider_api', endpoint: server.url } })).id as string;
  const system = await makeSystem(w.ctx, w.consumer.code);
  const application = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, system.id, clock(), { fields })), 201);
  expect((await ok(await actions.accept(w, application.id))).status).toBe('provisioning');
  await completeProvisioning({ db: w.ctx.db, settings: workflowSettings(w.ctx.config), now: clock(), actor: { kind: 'worker' } }, application.id);
  const grant = await w.ctx.db('grants').where('application_id', application.id).first('id');
  return { server, resourceId, system, grantId: grant.id as string };
}
