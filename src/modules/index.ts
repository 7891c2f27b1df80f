import type { FastifyPluginAsync } from 'fastify';
import { auditRoutes } from './audit/audit-routes.js';
import { applicationsRoutes } from './applications/applications-routes.js';
import { applicationDeadlines } from './applications/deadline-recompute.js';
import { calendarRoutes } from './calendar/calendar-routes.js';
import { catalogRoutes } from './catalog/catalog-routes.js';
import { departmentsRoutes } from './departments/departments-routes.js';
import { healthRoutes } from './health/health-routes.js';
import { grantsRoutes } from './grants/grants-routes.js';
import { identityRoutes } from './identity/identity-routes.js';
import { outboxRoutes } from './outbox/outbox-routes.js';
import { recordsRoutes } from './exchange/records-routes.js';
import { recordsLoadRoutes } from './exchange/records-load-routes.js';
import { supervisionRoutes } from './supervision/supervision-routes.js';
import { discrepanciesRoutes } from './exchange/discrepancies-routes.js';
import { objectionsRoutes } from './exchange/objections-routes.js';
import { systemsRoutes } from './systems/systems-routes.js';

/** Every area's routes, registered in the API scope behind the auth hook. */
export const MODULES: FastifyPluginAsync[] = [healthRoutes, identityRoutes, departmentsRoutes, systemsRoutes, catalogRoutes,
  calendarRoutes([applicationDeadlines]), applicationsRoutes, grantsRoutes, outboxRoutes,
  recordsRoutes, recordsLoadRoutes, discrepanciesRoutes, objectionsRoutes, auditRoutes, supervisionRoutes];
