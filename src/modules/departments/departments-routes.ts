import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  createDepartmentBody,
  createdDepartmentSchema,
  departmentCodeParams,
  departmentListSchema,
  listDepartmentsQuery,
  registeredDepartmentSchema,
  departmentSchema,
  updateDepartmentBody,
} from '../../../schemas/departments.js';
import { ctx } from '../context.js';
import { ALL_USERS } from '../identity/principal.js';
import { createDepartment, getDepartment, listDepartments, toDepartment, updateDepartment } from './departments-service.js';

const tags = ['departments'];

export const departmentsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.post('/v1/departments', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'createDepartment',
      tags,
      summary: 'Register a department (code = its 统一社会信用代码)',
      body: createDepartmentBody,
      response: { 201: ref(registeredDepartmentSchema), ...errorResponses(...AUTH_ERRORS, 409) },
    },
  }, async (request, reply) => {
    const { row, webhookSecret, warnings } = await createDepartment(ctx(request), app.keys, request.body);
    return reply.code(201).send({ ...toDepartment(row, request.principal), webhookSecret, warnings });
  });

  app.get('/v1/departments', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listDepartments',
      tags,
      summary: 'List departments',
      querystring: listDepartmentsQuery,
      response: { 200: departmentListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => {
    const { rows, total } = await listDepartments(ctx(request), request.query);
    return { items: rows.map((r) => toDepartment(r, request.principal)), total };
  });

  app.get('/v1/departments/:code', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'getDepartment',
      tags,
      summary: 'Get a department',
      params: departmentCodeParams,
      response: { 200: ref(departmentSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => toDepartment(await getDepartment(app.db, request.params.code), request.principal));

  app.patch('/v1/departments/:code', {
    config: { roles: ['platform_admin', 'dept_admin'] },
    schema: {
      operationId: 'updateDepartment',
      tags,
      summary: 'Update a department: name (platform), webhook URL, rotate the webhook secret (returned once)',
      params: departmentCodeParams,
      body: updateDepartmentBody,
      response: { 200: ref(createdDepartmentSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => {
    const { row, webhookSecret } = await updateDepartment(ctx(request), app.keys, request.params.code, request.body);
    return { ...toDepartment(row, request.principal), ...(webhookSecret ? { webhookSecret } : {}) };
  });
};
