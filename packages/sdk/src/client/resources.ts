/**
 * The typed resource collections of the Environment API (`/api/v1/environments/{env}/...`).
 * @packageDocumentation
 */
import type {
  Asset,
  AssetCreate,
  Customer,
  Output,
  OutputCreate,
  Project,
  ProjectCreate,
  ProjectUpdate,
} from '@gatehouse/contracts';
import { ArgumentError } from '../errors/gatehouse-error.js';
import type { ApiRequester } from './api-request.js';

/**
 * Per-call environment slug; overrides the client's `environment` option.
 *
 * @example
 * ```ts
 * await client.projects.get('p_1', { environment: 'staging' });
 * ```
 */
export interface EnvironmentOption {
  environment?: string;
}

/**
 * Options of list calls: page size (1–100) and the `next_cursor` of the previous page.
 *
 * @example
 * ```ts
 * let cursor: string | undefined;
 * do {
 *   const page = await client.projects.list({ limit: 100, cursor });
 *   cursor = page.next_cursor ?? undefined;
 * } while (cursor);
 * ```
 */
export interface ListOptions extends EnvironmentOption {
  limit?: number;
  cursor?: string;
}

/**
 * One page of a list; `next_cursor` is `null` on the last page.
 *
 * @example
 * ```ts
 * const { items, next_cursor }: Page<Project> = await client.projects.list();
 * ```
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * Body of `PATCH /customers/{id}`.
 *
 * @example
 * ```ts
 * const patch: CustomerUpdate = { fields: { plan: 'enterprise' } };
 * await client.customers.update('u1', patch);
 * ```
 */
export interface CustomerUpdate {
  name?: string | null;
  fields?: Record<string, unknown>;
}

/**
 * Every operation a collection may offer; each resource exposes a subset.
 *
 * @example
 * ```ts
 * const projects: Collection<Project, ProjectCreate, ProjectUpdate> = client.projects;
 * ```
 */
export interface Collection<T, C, U> {
  /** `GET /{collection}?limit&cursor`. */
  list(options?: ListOptions): Promise<Page<T>>;
  /** `GET /{collection}/{id}`. */
  get(id: string, options?: EnvironmentOption): Promise<T>;
  /** `POST /{collection}` → 201. */
  create(body: C, options?: EnvironmentOption): Promise<T>;
  /** `PATCH /{collection}/{id}`. */
  update(id: string, body: U, options?: EnvironmentOption): Promise<T>;
  /** `DELETE /{collection}/{id}`. */
  delete(id: string, options?: EnvironmentOption): Promise<void>;
}

/**
 * Projects: full CRUD, owner-only (`projects:read` / `projects:write`).
 *
 * @example
 * ```ts
 * const project = await client.projects.create({ name: 'Spring campaign', data: { pages: 3 } });
 * await client.projects.update(project.id, { description: 'Approved' });
 * await client.projects.delete(project.id);
 * ```
 */
export type ProjectsApi = Collection<Project, ProjectCreate, ProjectUpdate>;
/**
 * Media and fonts: list, read, create (metadata).
 *
 * @example
 * ```ts
 * const page = await client.media.list({ limit: 50 });
 * const font = await client.fonts.create({ name: 'Inter.woff2', content_type: 'font/woff2', size: 1024, checksum });
 * ```
 */
export type AssetsApi = Pick<Collection<Asset, AssetCreate, never>, 'list' | 'get' | 'create'>;
/**
 * Outputs: render requests (`outputs:create`).
 *
 * @example
 * ```ts
 * const output = await client.outputs.create({ project_id: project.id, format: 'pdf' });
 * ```
 */
export type OutputsApi = Pick<Collection<Output, OutputCreate, never>, 'list' | 'get' | 'create'>;
/**
 * Customers: admin customer tokens only.
 *
 * @example
 * ```ts
 * await client.customers.update('u1', { name: 'Ada Lovelace', fields: { plan: 'pro' } });
 * ```
 */
export type CustomersApi = Pick<Collection<Customer, never, CustomerUpdate>, 'list' | 'get' | 'update' | 'delete'>;

/**
 * Builds the operations of one collection.
 * @internal
 */
export function collection<T, C, U>(
  request: ApiRequester,
  segment: string,
  defaultEnvironment: string | undefined,
): Collection<T, C, U> {
  const path = (options: EnvironmentOption | undefined, id?: string): string => {
    const environment = options?.environment ?? defaultEnvironment;
    if (environment === undefined || environment === '') {
      throw new ArgumentError('environment is required: pass it per call or as the client option');
    }
    const item = id === undefined ? '' : `/${encodeURIComponent(id)}`;
    return `/api/v1/environments/${encodeURIComponent(environment)}/${segment}${item}`;
  };
  const requireId = (id: string): string => {
    if (typeof id !== 'string' || id === '') throw new ArgumentError('id must be a non-empty string');
    return id;
  };
  return {
    list: async (options) =>
      request({ method: 'GET', path: path(options), query: { limit: options?.limit, cursor: options?.cursor } }),
    get: async (id, options) => request({ method: 'GET', path: path(options, requireId(id)) }),
    create: async (body, options) => request({ method: 'POST', path: path(options), body }),
    update: async (id, body, options) => request({ method: 'PATCH', path: path(options, requireId(id)), body }),
    delete: async (id, options) => {
      await request({ method: 'DELETE', path: path(options, requireId(id)) });
    },
  };
}

/** The API objects of a client, one per collection. @internal */
export function resourceApis(request: ApiRequester, environment: string | undefined) {
  const projects: ProjectsApi = collection<Project, ProjectCreate, ProjectUpdate>(request, 'projects', environment);
  const assets = (segment: 'media' | 'fonts'): AssetsApi => {
    const { list, get, create } = collection<Asset, AssetCreate, never>(request, segment, environment);
    return { list, get, create };
  };
  const outputs = collection<Output, OutputCreate, never>(request, 'outputs', environment);
  const customers = collection<Customer, never, CustomerUpdate>(request, 'customers', environment);
  return {
    projects,
    media: assets('media'),
    fonts: assets('fonts'),
    outputs: { list: outputs.list, get: outputs.get, create: outputs.create } satisfies OutputsApi,
    customers: {
      list: customers.list,
      get: customers.get,
      update: customers.update,
      delete: customers.delete,
    } satisfies CustomersApi,
  };
}
