import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_ERROR_SCHEMA_NAME, apiErrorBody } from './api-error.schema';
import { openApiSchema } from './openapi-schema';
import { isOutsideJsonApi } from './outside-json-api';

const API_DOCS_PATH = '/docs';
const API_DOCS_JSON_PATH = '/docs-json';

/**
 * Builds the app's OpenAPI 3 document from the routes of its controllers and serves it, Swagger
 * UI at /docs and JSON at /docs-json, with no credentials asked: it describes shapes, never data,
 * and each route it lists still asks for its own. The UI's files come from swagger-ui-dist in
 * node_modules, so /docs works where there is no internet. Built at start-up, so a schema that
 * cannot be described stops the process at once instead of at the first visit.
 */
export function serveApiDocs(app: NestFastifyApplication, describe: (builder: DocumentBuilder) => DocumentBuilder): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, describe(new DocumentBuilder()).build());
  for (const path of Object.keys(document.paths).filter(isOutsideJsonApi)) delete document.paths[path];
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [API_ERROR_SCHEMA_NAME]: openApiSchema(apiErrorBody, 'output') },
  };
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: API_DOCS_JSON_PATH, raw: ['json'] });
  return document;
}
