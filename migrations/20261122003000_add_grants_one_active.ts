import type { Knex } from 'knex';

// At most one active grant per system and resource: a new grant supersedes the previous one
// (renewal, changed fields), so the data path never has to choose between two. Older duplicates
// that may already exist are revoked as superseded by the newest, so the index can be built.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    update grants g
       set status = 'revoked', revoked_at = now(), updated_at = now(), revoke_reason = 'superseded by grant ' || newest.id
      from (select distinct on (system_id, resource_id) id, system_id, resource_id
              from grants where status = 'active'
             order by system_id, resource_id, created_at desc, id desc) newest
     where g.status = 'active' and g.system_id = newest.system_id and g.resource_id = newest.resource_id and g.id <> newest.id`);
  await knex.raw(`create unique index grants_one_active on grants (system_id, resource_id) where status = 'active'`);
}

// Drops the index; grants revoked as superseded by `up` stay revoked.
export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index grants_one_active');
}
