/**
 * Paths an app serves that are not part of its public JSON api, and so not in its OpenAPI
 * document: Swagger UI and the document themselves, the operators' console (HTML pages and
 * forms), Prometheus's /metrics and Bull Board. Every other route must be described.
 */
const OUTSIDE_JSON_API = [/^\/docs(-json)?(\/|$)/, /^\/console(\/|$)/, /^\/metrics$/, /^\/admin\/queues(\/|$)/];

export function isOutsideJsonApi(path: string): boolean {
  return OUTSIDE_JSON_API.some((pattern) => pattern.test(path));
}
