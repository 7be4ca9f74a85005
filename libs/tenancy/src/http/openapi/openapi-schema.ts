import type { SchemaObject } from '@nestjs/swagger';
import { z, type ZodType } from 'zod';

/**
 * The OpenAPI 3.0 form of a zod schema. `input` describes what a request may send (before
 * defaults and transforms), so the schema that validates a request is also its description;
 * `output` describes an answer. Dates travel as ISO 8601 strings, as JSON.stringify writes them.
 */
export function openApiSchema(schema: ZodType, io: 'input' | 'output'): SchemaObject {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    // A Date is the one value our answers carry that JSON Schema has no type for; override names it.
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'date') Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as SchemaObject;
}
