import { Body, HttpStatus, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import type { ZodType } from 'zod';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { ApiRefusals } from './api-answers.decorator';
import { openApiSchema } from './openapi-schema';

const INVALID = 'The request does not match the schema: `message` lists every problem found';

/**
 * The request body, validated by `schema` (400 lists every problem) and described in the OpenAPI
 * document by the same schema: one decorator, so the document cannot drift from the validation.
 */
export function ZodBody<T>(schema: ZodType<T>): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema))(target, key, index);
    const method = methodOf(target, key);
    // A schema that accepts no body at all (optional, or with a default) makes the body optional.
    ApiBody({ schema: openApiSchema(schema, 'input'), required: !schema.safeParse(undefined).success })(target, key!, method);
    ApiRefusals({ [HttpStatus.BAD_REQUEST]: INVALID })(target, key!, method);
  };
}

/** The query string, validated by `schema` (an object of parameters) and described by it, one parameter per property. */
export function ZodQuery<T>(schema: ZodType<T>): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema))(target, key, index);
    const method = methodOf(target, key);
    const { properties = {}, required = [] } = openApiSchema(schema, 'input');
    for (const [name, property] of Object.entries(properties)) {
      ApiQuery({ name, required: required.includes(name), schema: property })(target, key!, method);
    }
    ApiRefusals({ [HttpStatus.BAD_REQUEST]: INVALID })(target, key!, method);
  };
}

function methodOf(target: object, key: string | symbol | undefined): PropertyDescriptor {
  const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor) throw new Error('ZodBody and ZodQuery decorate a parameter of a route method');
  return descriptor;
}
