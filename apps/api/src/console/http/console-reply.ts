import type { FastifyReply } from 'fastify';
import type { SafeHtml } from '../html/html';

/**
 * The console's pages load only their own stylesheet and script, post only to the console, and
 * are never framed; pages show tenants' data and secrets, so no cache keeps them.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};

export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.status(status).headers(PAGE_HEADERS).send(`<!doctype html>\n${page.markup}`);
}

/** After a form: the browser GETs the next page, so reloading it never posts the form again. */
export function seeOther(reply: FastifyReply, url: string): FastifyReply {
  return reply.redirect(url, 303);
}
