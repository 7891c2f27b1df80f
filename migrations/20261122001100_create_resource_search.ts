import type { Knex } from 'knex';

// One row per resource, rewritten in the same transaction as every catalog change: the
// filterable attributes and the normalised text (name, summary, data-item names) of the version
// a search shows, which is the published one, else the latest draft. Searching one narrow table
// keeps resource_versions, with its large jsonb columns, out of every scan.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resource_search', (t) => {
    t.uuid('resource_id').primary().references('id').inTable('resources').onDelete('CASCADE');
    t.string('code', 64).notNullable();
    t.string('provider_code', 18).notNullable();
    t.string('category_code', 32).notNullable();
    // resources.status, and the status of the newest version (a revision may be in review).
    t.string('status', 16).notNullable();
    t.string('latest_status', 16).notNullable();
    // Has a published version: readable by every signed-in user.
    t.boolean('published').notNullable();
    t.integer('version').notNullable();
    t.smallint('share_type').notNullable();
    t.string('subject_type', 16).notNullable();
    t.string('format', 16).notNullable();
    t.string('share_method', 16).notNullable();
    t.boolean('open_to_public').notNullable();
    // For facet counting: 类+项 (the first three digits of the category) as a number, and the five
    // small facets (share type, subject type, format, share method, status) packed into one
    // number by the application. Grouping by three small keys instead of seven text columns
    // halves the cost of counting facets over a large result.
    t.smallint('category_prefix').notNullable();
    t.smallint('facet_code').notNullable();
    t.text('search_text').notNullable();
    t.unique(['code']);
    t.index(['provider_code', 'code']);
  });
  await knex.raw('create index resource_search_category on resource_search (category_code text_pattern_ops)');
  await knex.raw('create index resource_search_bigrams on resource_search using gin (catalog_bigrams(search_text))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resource_search');
}
