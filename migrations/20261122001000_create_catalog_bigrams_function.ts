import type { Knex } from 'knex';

// Chinese has no spaces between words, so catalog search is substring search without a word
// segmenter. pg_trgm cannot carry it: it keeps only characters the database's ctype calls
// alphanumeric, and under the C locale of the embedded cluster show_trgm('婚姻登记信息') is empty.
// Character bigrams work under any locale, and a two-character query (婚姻) is one bigram, so
// the shortest useful Chinese query is served by the index too.
// COST 500 (× cpu_operator_cost) is what a call measures, ~35 µs on 200 characters against
// ~0.3 µs for strpos: with the default cost of 100 the planner would walk an index calling it on
// every row (seconds at 100,000 resources) instead of using the bigram index.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function catalog_bigrams(t text) returns text[]
      language sql immutable strict parallel safe cost 500
    as $$
      select coalesce(array_agg(distinct substr(t, i, 2)), '{}')
      from generate_series(1, length(t) - 1) as i
    $$
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function catalog_bigrams(text)');
}
