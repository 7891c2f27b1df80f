import type { Knex } from 'knex';
import * as m20261122000100 from './20261122000100_create_departments.js';
import * as m20261122000200 from './20261122000200_create_users.js';
import * as m20261122000300 from './20261122000300_create_systems.js';
import * as m20261122000400 from './20261122000400_create_events.js';
import * as m20261122000500 from './20261122000500_create_resources.js';
import * as m20261122001000 from './20261122001000_create_catalog_bigrams_function.js';
import * as m20261122001100 from './20261122001100_create_resource_search.js';
import * as m20261122002000 from './20261122002000_create_calendar_years.js';
import * as m20261122002010 from './20261122002010_seed_calendar_2025_2026.js';
import * as m20261122002100 from './20261122002100_create_applications.js';
import * as m20261122002200 from './20261122002200_create_application_timeline.js';
import * as m20261122002300 from './20261122002300_create_grants.js';
import * as m20261122002400 from './20261122002400_create_outbox.js';
import * as m20261122003000 from './20261122003000_add_grants_one_active.js';
import * as m20261122005000 from './20261122005000_users_sessions_and_lockout.js';
import * as m20261122006000 from './20261122006000_create_hub_settings.js';
import * as m20261129101900 from './20261129101900_create_resource_search_facets_index.js';
import * as m20261129130100 from './20261129130100_add_due_provisional_to_applications.js';
import * as m20261129130200 from './20261129130200_add_due_working_days_to_applications.js';
import * as m20261129130300 from './20261129130300_add_provisional_to_application_timeline.js';
import * as m20261129130400 from './20261129130400_create_calendar_reminders.js';
import * as m20261129140100 from './20261129140100_create_records.js';
import * as m20261129140200 from './20261129140200_create_record_history.js';
import * as m20261129140300 from './20261129140300_create_bulk_loads.js';
import * as m20261129150100 from './20261129150100_add_data_access_to_events.js';
import * as m20261129150200 from './20261129150200_allow_scheduled_grant_renewals.js';
import * as m20261130100100 from './20261130100100_add_plain_values_to_grants.js';
import * as m20261130130100 from './20261130130100_create_discrepancies.js';
import * as m20261130130200 from './20261130130200_create_objections.js';
import * as m20261201120000 from './20261201120000_index_discrepancies_by_source.js';
import * as m20261130110000 from './20261130110000_create_audit_tree.js';
import * as m20261130110100 from './20261130110100_add_disclose_after_to_grants.js';
import * as m20261130120100 from './20261130120100_create_access_rollups.js';
import * as m20261130120200 from './20261130120200_create_supervision_cases.js';
import * as m20261130120300 from './20261130120300_create_anomaly_alerts.js';
import * as m20261201100000 from './20261201100000_partition_events_by_month.js';
import * as m20261201100100 from './20261201100100_allow_subject_actor_kind.js';
import * as m20261201110000 from './20261201110000_add_objection_to_supervision_cases.js';
import * as m20261201110100 from './20261201110100_add_card_times_to_objections.js';

// Migrations are listed here, in order, rather than globbed from disk, so the same list works
// from TypeScript sources (tsx, vitest) and from the compiled dist/ in the container image.
// Each migration is frozen history: never import application code into one.
type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

const MIGRATIONS: Record<string, Migration> = {
  '20261122000100_create_departments': m20261122000100,
  '20261122000200_create_users': m20261122000200,
  '20261122000300_create_systems': m20261122000300,
  '20261122000400_create_events': m20261122000400,
  '20261122000500_create_resources': m20261122000500,
  '20261122001000_create_catalog_bigrams_function': m20261122001000,
  '20261122001100_create_resource_search': m20261122001100,
  '20261122002000_create_calendar_years': m20261122002000,
  '20261122002010_seed_calendar_2025_2026': m20261122002010,
  '20261122002100_create_applications': m20261122002100,
  '20261122002200_create_application_timeline': m20261122002200,
  '20261122002300_create_grants': m20261122002300,
  '20261122002400_create_outbox': m20261122002400,
  '20261122003000_add_grants_one_active': m20261122003000,
  '20261122005000_users_sessions_and_lockout': m20261122005000,
  '20261122006000_create_hub_settings': m20261122006000,
  '20261129101900_create_resource_search_facets_index': m20261129101900,
  '20261129130100_add_due_provisional_to_applications': m20261129130100,
  '20261129130200_add_due_working_days_to_applications': m20261129130200,
  '20261129130300_add_provisional_to_application_timeline': m20261129130300,
  '20261129130400_create_calendar_reminders': m20261129130400,
  '20261129140100_create_records': m20261129140100,
  '20261129140200_create_record_history': m20261129140200,
  '20261129140300_create_bulk_loads': m20261129140300,
  '20261129150100_add_data_access_to_events': m20261129150100,
  '20261129150200_allow_scheduled_grant_renewals': m20261129150200,
  '20261130100100_add_plain_values_to_grants': m20261130100100,
  '20261130130100_create_discrepancies': m20261130130100,
  '20261130130200_create_objections': m20261130130200,
  '20261130110000_create_audit_tree': m20261130110000,
  '20261130110100_add_disclose_after_to_grants': m20261130110100,
  '20261130120100_create_access_rollups': m20261130120100,
  '20261130120200_create_supervision_cases': m20261130120200,
  '20261130120300_create_anomaly_alerts': m20261130120300,
  '20261201100000_partition_events_by_month': m20261201100000,
  '20261201100100_allow_subject_actor_kind': m20261201100100,
  '20261201110000_add_objection_to_supervision_cases': m20261201110000,
  '20261201110100_add_card_times_to_objections': m20261201110100,
  '20261201120000_index_discrepancies_by_source': m20261201120000,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};
