import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { z, ZodType } from 'zod';
import { API_ERROR_SCHEMA_NAME } from './api-error.schema';
import { openApiSchema } from './openapi-schema';

/** A success answer: what it means, and the zod schema of its body (none for 204). */
export type Answer = readonly [description: string, body?: ZodType];

/** The body a route returns for its answers: the union of their schemas' types. */
type AnswerBody<A extends Partial<Record<HttpStatus, Answer>>> = {
  [S in keyof A]: A[S] extends readonly [string, infer B extends ZodType] ? z.infer<B> : void;
}[keyof A];

/**
 * A route's success answers in the OpenAPI document. The method must return what the schemas
 * describe: the type checker refuses the decorator on a route whose answer has a field missing
 * or of another type, so the document cannot drift from the view.
 */
export function ApiAnswers<A extends Partial<Record<HttpStatus, Answer>>>(answers: A) {
  return <M extends (...args: never[]) => AnswerBody<A> | Promise<AnswerBody<A>>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    for (const [status, [description, body]] of Object.entries<Answer>(answers)) {
      ApiResponse({ status: Number(status), description, ...(body && { schema: openApiSchema(body, 'output') }) })(
        target,
        key,
        descriptor,
      );
    }
  };
}

/** What a route (or every route of a controller) may refuse with, and why; each answer carries the error body. */
export function ApiRefusals(refusals: Partial<Record<HttpStatus, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(refusals).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, schema: { $ref: getSchemaPath(API_ERROR_SCHEMA_NAME) } }),
    ),
  );
}
