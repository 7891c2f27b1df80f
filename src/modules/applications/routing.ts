// 统一受理、平台授权 (DOMAIN.md §1): Route A when the resource is unconditional (无条件共享)
// and its interface needs no control parameters (管控参数) — the platform serves the data
// itself; otherwise Route B — the request is pushed to the providing department, which decides.
export type Route = 'A' | 'B';

export interface RoutableVersion {
  share_type: number;
  control_params: unknown[];
}

export const routeOf = (version: RoutableVersion): Route =>
  Number(version.share_type) === 1 && version.control_params.length === 0 ? 'A' : 'B';
