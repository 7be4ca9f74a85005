import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isOutsideJsonApi } from '@app/tenancy';
import type { OpenAPIV3 } from 'openapi-types';
import { createApiApp } from '../apps/api/src/api.app';
import { createTenantApiApp } from '../apps/tenant-api/src/tenant-api.app';
import { http } from './support/http';
import { RegisteredRoute, registeredRoutes } from './support/registered-routes';
import { TestStack } from './support/test-stack';

/**
 * The OpenAPI documents of the admin api and tenant-api against the routes each app really
 * registers: every route of the JSON api is described (see docs/openapi.md), and the document
 * is valid OpenAPI 3. Routes outside the JSON api (isOutsideJsonApi) are left out on purpose.
 */

type Operation = OpenAPIV3.OperationObject;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Routes that need no credentials; every other one must declare a security scheme and its 401. */
const OPEN_PATHS = new Set(['/health', '/health/live']);

interface DocumentedApp {
  name: string;
  create: (stack: TestStack) => Promise<NestFastifyApplication>;
  securitySchemes: string[];
}

// The api first: it migrates the master database that tenant-api reads.
const APPS: DocumentedApp[] = [
  { name: 'admin api', create: (stack) => createApiApp(stack.config), securitySchemes: ['admin-key'] },
  { name: 'tenant-api', create: (stack) => createTenantApiApp(stack.config), securitySchemes: ['tenant-api-key', 'tenant-jwt'] },
];

const stack = new TestStack({ ADMIN_API_KEY: 'openapi-admin-key-0123456789' });
const running = new Map<string, NestFastifyApplication>();

beforeAll(async () => {
  for (const { name, create } of APPS) {
    const app = await create(stack);
    running.set(name, app);
    await app.listen(0, '127.0.0.1');
  }
});
afterAll(async () => {
  for (const app of running.values()) await app.close();
  await stack.teardown();
});

/** `/org/:id` → `/org/{id}`, as OpenAPI writes a path. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const nameOf = (route: RegisteredRoute) => `${route.method} ${route.path}`;

function operationsOf(document: OpenAPIV3.Document): { route: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item?.[method]).map((method) => ({
      route: `${method.toUpperCase()} ${path}`,
      path,
      operation: item![method]!,
    })),
  );
}

describe.each(APPS)('the OpenAPI document of the $name', ({ name, securitySchemes }) => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let document: OpenAPIV3.Document;

  beforeAll(async () => {
    app = running.get(name)!;
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const answer = await http<OpenAPIV3.Document>(baseUrl, 'GET', '/docs-json');
    expect(answer.status).toBe(200);
    document = answer.body;
  });

  it('describes every route the app registers, outside the JSON api excepted, and no route it does not serve', () => {
    const served = registeredRoutes(app).filter((route) => !isOutsideJsonApi(route.path));
    const documented = new Set(operationsOf(document).map(({ route }) => route));

    const missing = served.filter((route) => !documented.has(`${route.method} ${openApiPath(route.path)}`)).map(nameOf);
    expect(missing).toEqual([]);
    const servedRoutes = new Set(served.map((route) => `${route.method} ${openApiPath(route.path)}`));
    expect([...documented].filter((route) => !servedRoutes.has(route))).toEqual([]);
  });

  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    expect(document.openapi).toMatch(/^3\./);
  });

  it("describes each route's answer, not a default one", () => {
    const undescribed = operationsOf(document)
      .filter(({ operation }) => {
        const successes = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
        const described = ([status, answer]: [string, OpenAPIV3.ResponseObject | OpenAPIV3.ReferenceObject]) =>
          'description' in answer && answer.description !== '' && (status === '204' || 'content' in answer);
        return successes.length === 0 || !successes.every(described);
      })
      .map(({ route }) => route);
    expect(undescribed).toEqual([]);
  });

  it('describes every body by its schema, and the 400 of every route that takes a body or a query', () => {
    const problems = operationsOf(document).flatMap(({ route, operation }) => {
      const body = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
      const bodySchema = body?.content['application/json']?.schema as OpenAPIV3.SchemaObject | undefined;
      const queried = (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'query');
      return [
        ...(body && !bodySchema?.properties ? [`${route}: a body with no schema (use @ZodBody)`] : []),
        ...((body || queried) && !operation.responses['400'] ? [`${route}: no 400 for an invalid body or query`] : []),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('names the security scheme and the 401 of every route that needs credentials', () => {
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual([...securitySchemes].sort());
    const problems = operationsOf(document)
      .filter(({ path }) => !OPEN_PATHS.has(path))
      .flatMap(({ route, operation }) => {
        const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)).sort();
        return [
          ...(schemes.join() !== [...securitySchemes].sort().join() ? [`${route}: security ${schemes.join() || 'none'}`] : []),
          ...(operation.responses['401'] ? [] : [`${route}: no 401`]),
        ];
      });
    expect(problems).toEqual([]);
  });

  it('refers every refusal to the error body, and describes that body', () => {
    expect(document.components?.schemas?.ApiError).toMatchObject({ required: expect.arrayContaining(['statusCode', 'message']) });
    const refusals = operationsOf(document).flatMap(({ route, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => /^4/.test(status))
        .map(([status, answer]) => ({ route: `${route} ${status}`, answer: answer as OpenAPIV3.ResponseObject })),
    );
    const elsewhere = refusals.filter(({ answer }) => {
      const schema = answer.content?.['application/json']?.schema as OpenAPIV3.ReferenceObject | undefined;
      return schema?.$ref !== '#/components/schemas/ApiError';
    });
    expect(elsewhere.map(({ route }) => route)).toEqual([]);
  });

  it('serves Swagger UI at /docs without credentials, and from its own files, not a CDN', async () => {
    const page = await http<string>(baseUrl, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const assets = [...page.body.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(expect.arrayContaining(['docs/swagger-ui.css', 'docs/swagger-ui-bundle.js']));
    for (const asset of assets) expect([asset, (await http(baseUrl, 'GET', `/${asset}`)).status]).toEqual([asset, 200]);
  });
});
