import type { Knex } from 'knex';

// When an objection turned yellow (warned_at) and red (overdue_at), so the supervision figures
// count the cards raised in a period as they do for the workflow's steps (from its timeline).
// Rows swept before this migration take the times of their objection.warn / objection.supervise
// events.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('objections', (t) => {
    t.timestamp('warned_at', { useTz: true });
    t.timestamp('overdue_at', { useTz: true });
  });
  for (const [column, action] of [['warned_at', 'objection.warn'], ['overdue_at', 'objection.supervise']] as const) {
    await knex.raw(`update objections o set ${column} = e.at
      from (select details->>'objectionId' as id, min(occurred_at) as at from events where action = ? group by 1) e
      where e.id = o.id::text`, [action]);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('objections', (t) => {
    t.dropColumn('overdue_at');
    t.dropColumn('warned_at');
  });
}
