import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { calendarYearParams, calendarYearSchema, putCalendarYearBody } from '../../../schemas/calendar.js';
import { ctx } from '../context.js';
import { getCalendarYear, putCalendarYear, type DeadlineHolder } from './calendar-service.js';

const tags = ['calendar'];

/** `deadlines`: the modules whose open deadlines a changed year recomputes (wired in modules/index.ts). */
export const calendarRoutes = (deadlines: readonly DeadlineHolder[]): FastifyPluginAsync => async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.get('/v1/calendar/:year', {
    config: { public: true },
    schema: {
      operationId: 'getCalendarYear',
      tags,
      summary: 'Holidays and make-up working days of a year; a year without its notice shows its provisional calendar (statutory holidays only)',
      security: [],
      params: calendarYearParams,
      response: { 200: ref(calendarYearSchema), ...errorResponses(400) },
    },
  }, async (request) => getCalendarYear(app.db, request.params.year));

  app.put('/v1/calendar/:year', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'putCalendarYear',
      tags,
      summary: "Enter or replace a year's holidays and make-up working days (from the State Council notice); open deadlines counting days of the year are recomputed",
      params: calendarYearParams,
      body: putCalendarYearBody,
      response: { 200: ref(calendarYearSchema), 201: ref(calendarYearSchema), ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request, reply) => {
    const { created, year } = await putCalendarYear(ctx(request), request.params.year, request.body, {
      warningWorkingDays: app.config.WARNING_WORKING_DAYS,
      deadlines,
    });
    return reply.code(created ? 201 : 200).send(year);
  });
};
