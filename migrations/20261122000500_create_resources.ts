import type { Knex } from 'knex';

// The resource catalog (政务信息资源目录). A resource is the stable identity (code, provider);
// its metadata lives in numbered versions. A published version is never edited: editing makes
// a new draft version, and grants pin the version they were given.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resources', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // 信息资源代码 分类码/顺序码, e.g. 101001/00001
    t.string('code', 64).notNullable().unique();
    t.string('provider_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    // Life cycle of the resource as a whole: draft → pending_review → published → deprecated.
    t.string('status', 16).notNullable().defaultTo('draft')
      .checkIn(['draft', 'pending_review', 'published', 'deprecated'], 'resources_status_check');
    // The version applicants see and new grants pin; null until first published.
    t.integer('published_version');
    t.integer('latest_version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['provider_code']);
  });

  await knex.schema.createTable('resource_versions', (t) => {
    t.uuid('resource_id').notNullable().references('id').inTable('resources').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.primary(['resource_id', 'version']);
    t.string('status', 16).notNullable().defaultTo('draft')
      .checkIn(['draft', 'pending_review', 'published', 'superseded'], 'resource_versions_status_check');
    t.text('name').notNullable();
    // 信息资源分类: 类 (1 digit) + 项 (2) + 目 (3) + 细目 (variable)
    t.string('category_code', 32).notNullable();
    t.text('summary').notNullable();
    t.string('format', 16).notNullable();
    t.text('format_subtype');
    // [{ key, name, type (C N Y D T L M G B I F), length, sensitivity, mask }]
    t.jsonb('data_items').notNullable();
    t.smallint('share_type').notNullable().checkIn(['1', '2', '3'], 'resource_versions_share_type_check');
    t.text('share_conditions');
    t.text('legal_basis');
    t.string('share_method', 16).notNullable();
    t.boolean('open_to_public').notNullable().defaultTo(false);
    t.text('open_conditions');
    t.string('update_cycle', 16).notNullable();
    t.date('publish_date');
    t.jsonb('related_codes').notNullable().defaultTo('[]');
    t.string('subject_type', 16).notNullable().checkIn(['person', 'legal_entity', 'none'], 'resource_versions_subject_type_check');
    t.text('subject_key');
    // 管控参数: the service interface's control parameters; non-empty sends applications to Route B.
    t.jsonb('control_params').notNullable().defaultTo('[]');
    // { mode: 'hosted' } | { mode: 'provider_api', endpoint }
    t.jsonb('delivery').notNullable();
    t.jsonb('contact');
    t.text('review_reason');
    t.uuid('created_by');
    t.timestamp('submitted_at', { useTz: true });
    t.timestamp('reviewed_at', { useTz: true });
    t.uuid('reviewed_by');
    t.timestamp('published_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resource_versions');
  await knex.schema.dropTable('resources');
}
