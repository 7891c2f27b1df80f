import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../../src/modules/calendar/calendar-service.js';
import { adminHeaders, makeUser } from '../../helpers/fixtures.js';
import { YEAR_2025, YEAR_2026 } from '../../helpers/calendar-data.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

describe('working-day calendar API', () => {
  const ctx = useTestApp();
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));

  it('is seeded with 2025 and 2026 exactly as in the State Council notices', async () => {
    for (const expected of [YEAR_2025, YEAR_2026]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/calendar/${expected.year}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        year: expected.year,
        provisional: false,
        holidays: [...expected.holidays].sort(),
        makeupWorkdays: [...expected.makeupWorkdays].sort(),
        workingDays: 248,
      });
    }
  });

  it('answers a year without its notice with its provisional calendar (statutory holidays only), without sign-in', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/calendar/2027' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      year: 2027,
      provisional: true,
      holidays: ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02',
        '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03'],
      makeupWorkdays: [],
      workingDays: 254,
      source: expect.stringContaining('全国年节及纪念日放假办法'),
      updatedAt: null,
    });
  });

  it('answers a year out of range with 400', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/calendar/1899' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/params/year');
  });

  it('lets the platform administrator enter a year, which deadlines then use', async () => {
    const body = { holidays: ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'], makeupWorkdays: ['2027-02-13'], source: 'test notice' };
    const res = await ctx.app.inject({ method: 'PUT', url: '/v1/calendar/2027', headers: admin, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ year: 2027, provisional: false, source: 'test notice', workingDays: 261 - 3 + 1 });
    const calendar = await loadCalendar(ctx.db);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false);
    expect(calendar.isWorkingDay('2027-02-13')).toBe(true);
    const again = await ctx.app.inject({ method: 'PUT', url: '/v1/calendar/2027', headers: admin, payload: { ...body, makeupWorkdays: [] } });
    expect(again.statusCode).toBe(200);
    const events = await ctx.db('events').where({ entity_type: 'calendar', entity_id: '2027' }).orderBy('id');
    expect(events.map((e) => e.action)).toEqual(['calendar.create', 'calendar.update']);
  });

  it('refuses dates outside the year, a day both off and worked, and a weekday make-up day, naming each', async () => {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/calendar/2028',
      headers: admin,
      payload: { holidays: ['2028-01-01', '2029-01-01', '2028-01-29'], makeupWorkdays: ['2028-01-29', '2028-01-31', '2027-12-25'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/holidays/1', '/body/makeupWorkdays/0', '/body/makeupWorkdays/1', '/body/makeupWorkdays/2',
    ]);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/calendar/2028' })).json().provisional).toBe(true);
  });

  it('refuses a malformed date and an unknown field', async () => {
    const res = await ctx.app.inject({ method: 'PUT', url: '/v1/calendar/2028', headers: admin, payload: { holidays: ['2028-02-30'], makeupWorkdays: [], extra: 1 } });
    expect(res.statusCode).toBe(400);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toContain('/body/holidays/0');
    expect(pointers).toContain('/body/extra');
  });

  it('is edited by the platform administrator only', async () => {
    const payload = { holidays: [], makeupWorkdays: [] };
    expect((await ctx.app.inject({ method: 'PUT', url: '/v1/calendar/2029', payload })).statusCode).toBe(401);
    for (const role of ['auditor', 'dept_admin', 'dept_operator'] as const) {
      const user = await makeUser(ctx, role);
      const res = await ctx.app.inject({ method: 'PUT', url: '/v1/calendar/2029', headers: user.headers, payload });
      expect(res.statusCode).toBe(403);
    }
  });
});
