import type { Knex } from 'knex';

// A data subject reading its own access log (GET /v1/me/access-log) is on the trail too (issue
// 11): actor_kind 'subject', actor_id the subject's keyed HMAC-SM3 (hex), never the plain id.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table events drop constraint events_actor_kind_check;
    alter table events add constraint events_actor_kind_check check (actor_kind in ('user', 'system', 'scheduler', 'worker', 'cli', 'subject'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table events drop constraint events_actor_kind_check;
    alter table events add constraint events_actor_kind_check check (actor_kind in ('user', 'system', 'scheduler', 'worker', 'cli')) not valid;
  `);
}
