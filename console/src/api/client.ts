import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { currentToken, endSession } from '../session';
import { problemMessage } from './problems';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/**
 * The API client, typed from the hub's OpenAPI document (schema.d.ts is generated from it). The
 * token is added from the in-memory session; any 401 ends the session and leads to sign-in.
 */
export const api = createClient<paths>({ baseUrl: '' });

api.use({
  onRequest({ request }) {
    const token = currentToken();
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/v1/auth/token')) endSession('invalid');
    return response;
  },
});

/** An API refusal, with its message in plain Chinese. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problemMessage(problem));
    this.name = 'ApiError';
  }
}

/** The data of a successful reply, or an ApiError carrying the problem details. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const problem = (error && typeof error === 'object' && 'status' in error ? error : { type: 'about:blank', title: response.statusText, status: response.status, code: 'UNKNOWN' }) as Problem;
    throw new ApiError(problem);
  }
  return data as T;
}
