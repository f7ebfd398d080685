import { markAsReadSchema, outboundMessageSchema } from '@coexist/core';
import { z } from 'zod';
import { createAccountBody } from '../accounts/routes.js';
import { REPORTS } from '../analytics/routes.js';
import { confirmBody, signupBody } from '../bindings/routes.js';
import { templateSyncBody } from '../templates/routes.js';

/** A request body schema, as the validator reads it (input side, before defaults and transforms). */
function bodySchema(schema: z.ZodType) {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json;
}

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'snake_case, stable: programs branch on it' },
        message: { type: 'string', description: 'for people: what is wrong and what to do' },
        details: { description: 'facts behind the error, e.g. the fields at fault' },
      },
    },
  },
} as const;

const json = (schema: unknown, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [String(code), json({ $ref: '#/components/schemas/Error' }, 'Error')]),
  );
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
const number = pathParam('phone_number_id', "Meta's id of the bound number");
const object = { type: 'object' };

/**
 * The public API as OpenAPI 3.1. Request bodies come from the zod schemas the routes validate
 * with, so the document cannot drift from what the API accepts.
 */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Coexist API',
      version: '1',
      description:
        'Bind WhatsApp Business app numbers to the Cloud API (coexistence), send compliant messages through them, and analyse their history. Errors are `{"error":{"code","message","details"}}`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Your account API key (cx_…)' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
      },
      schemas: { Error: errorBody },
    },
    paths: {
      '/v1/admin/accounts': {
        post: {
          summary: 'Create an account; its API key is shown once',
          security: [{ adminToken: [] }],
          requestBody: { content: { 'application/json': { schema: bodySchema(createAccountBody) } } },
          responses: { 201: json(object, 'The account and its API key'), ...errors(400, 401) },
        },
      },
      '/v1/bindings': {
        post: {
          summary: 'Start binding a number: the Embedded Signup launch configuration',
          responses: {
            201: json(object, 'The binding, status `started`, with app_id, config_id, extras'),
            ...errors(401),
          },
        },
        get: { summary: 'The account’s bindings', responses: { 200: json(object), ...errors(401) } },
      },
      '/v1/bindings/{id}': {
        get: {
          summary: 'One binding',
          parameters: [pathParam('id', 'binding id')],
          responses: { 200: json(object), ...errors(404) },
        },
      },
      '/v1/bindings/{id}/signup': {
        post: {
          summary:
            'Embedded Signup finished: exchange the code, find and check the number, subscribe the app',
          parameters: [pathParam('id', 'binding id')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: bodySchema(signupBody) } },
          },
          responses: { 200: json(object, 'status `signed_up`'), ...errors(400, 404, 409, 422, 503) },
        },
      },
      '/v1/bindings/{id}/confirm': {
        post: {
          summary: 'Confirm the business account and its time zone; requests the contacts and history syncs',
          parameters: [pathParam('id', 'binding id')],
          requestBody: { content: { 'application/json': { schema: bodySchema(confirmBody) } } },
          responses: { 200: json(object, 'status `confirmed`'), ...errors(400, 404, 409, 422) },
        },
      },
      '/v1/bindings/{id}/finish': {
        post: {
          summary: 'Bind the number to the account: it may send',
          parameters: [pathParam('id', 'binding id')],
          responses: { 200: json(object, 'status `active`'), ...errors(404, 409, 422) },
        },
      },
      '/v1/numbers': {
        get: { summary: 'The account’s numbers', responses: { 200: json(object), ...errors(401) } },
      },
      '/v1/numbers/{phone_number_id}': {
        get: {
          summary: 'A number: binding state, time zone, throughput, sync progress, counts, alerts',
          parameters: [number],
          responses: { 200: json(object), ...errors(404) },
        },
      },
      '/v1/numbers/{phone_number_id}/compatibility': {
        get: {
          summary: 'What coexistence supports, feature by feature',
          parameters: [number],
          responses: { 200: json(object), ...errors(404) },
        },
      },
      '/v1/numbers/{phone_number_id}/messages': {
        post: {
          summary: 'Send a message: a Cloud API message body (or a read receipt)',
          parameters: [
            number,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 255 },
              description:
                'A retried request with the same key returns the first answer instead of sending twice',
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: [bodySchema(outboundMessageSchema), bodySchema(markAsReadSchema)] },
              },
            },
          },
          responses: {
            202: json(
              {
                type: 'object',
                properties: {
                  messages: {
                    type: 'array',
                    items: { type: 'object', properties: { id: { type: 'string' } } },
                  },
                  status: { const: 'queued' },
                },
              },
              'Queued',
            ),
            ...errors(400, 404, 409, 422, 429),
          },
        },
      },
      '/v1/messages/{id}': {
        get: {
          summary: 'A message’s state: queued, sending, accepted, sent, delivered, read or failed',
          parameters: [pathParam('id', 'our message id (msg_…)')],
          responses: { 200: json(object), ...errors(404) },
        },
      },
      '/v1/numbers/{phone_number_id}/contacts': {
        get: {
          summary: 'Contacts of the number, searchable',
          parameters: [
            number,
            { name: 'search', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          ],
          responses: { 200: json(object), ...errors(404) },
        },
      },
      '/v1/numbers/{phone_number_id}/contacts/{contact}': {
        get: {
          summary: 'One contact: customer-service window and opt-out',
          parameters: [number, pathParam('contact', 'phone number or business-scoped user id')],
          responses: { 200: json(object), ...errors(404) },
        },
      },
      '/v1/numbers/{phone_number_id}/analytics/{report}': {
        get: {
          summary: 'An analytics report, in the number’s time zone (see docs/analytics.md)',
          parameters: [
            number,
            {
              ...pathParam('report', 'the report'),
              schema: { type: 'string', enum: REPORTS.filter((r) => !r.endsWith('.csv')) },
            },
            {
              name: 'from',
              in: 'query',
              schema: { type: 'string' },
              description: 'ISO date or date-time; default 180 days ago',
            },
            {
              name: 'to',
              in: 'query',
              schema: { type: 'string' },
              description: 'ISO date (inclusive) or date-time',
            },
            {
              name: 'granularity',
              in: 'query',
              schema: { type: 'string', enum: ['day', 'hour'] },
              description: 'volume only',
            },
          ],
          responses: { 200: json(object), ...errors(400, 404) },
        },
      },
      '/v1/numbers/{phone_number_id}/analytics/conversations.csv': {
        get: {
          summary: 'One row per conversation in the range',
          parameters: [number],
          responses: {
            200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
            ...errors(400, 404),
          },
        },
      },
      '/v1/templates': {
        get: {
          summary: 'The templates of the account’s business accounts',
          responses: { 200: json(object) },
        },
      },
      '/v1/templates/sync': {
        post: {
          summary: 'List the templates from Meta again',
          requestBody: { content: { 'application/json': { schema: bodySchema(templateSyncBody) } } },
          responses: { 200: json(object), ...errors(404, 502) },
        },
      },
      '/webhooks/meta': {
        get: {
          summary: 'Meta’s verification handshake',
          security: [],
          responses: { 200: { description: 'hub.challenge' }, 403: { description: 'Wrong token' } },
        },
        post: {
          summary: 'Meta’s webhooks, signed with X-Hub-Signature-256',
          security: [],
          responses: { 200: json(object, 'Queued'), ...errors(400, 401, 413) },
        },
      },
      '/healthz': {
        get: {
          summary: 'Redis, ClickHouse and queues',
          security: [],
          responses: { 200: json(object), 503: json(object) },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', security: [], responses: { 200: { description: 'text' } } },
      },
    },
  };
}

/** A readable page for the document, with no script or style from outside (works offline). */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Coexist API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
main{max-width:960px;margin:0 auto;padding:32px 20px}
h1{margin:0 0 4px} .lede{color:#556} code,pre{font-family:ui-monospace,monospace;font-size:13px}
section{background:#fff;border:1px solid #e3e6ec;border-radius:8px;margin:12px 0;padding:12px 16px}
.m{display:inline-block;min-width:56px;font-weight:600;text-transform:uppercase;font-size:12px;padding:2px 6px;border-radius:4px;margin-right:8px}
.get{background:#e6f3ff;color:#0b5cab}.post{background:#e7f7ec;color:#17703a}.delete{background:#fdecec;color:#a12626}
details pre{background:#f3f4f7;padding:10px;border-radius:6px;overflow:auto;max-height:420px}
.codes{color:#556;font-size:13px}
</style></head><body><main>
<h1>Coexist API</h1><p class="lede">Loading <a href="/openapi.json">/openapi.json</a>…</p><div id="paths"></div>
</main><script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  document.querySelector('.lede').textContent=doc.info.description;
  const out=document.getElementById('paths');
  for(const [path,ops] of Object.entries(doc.paths)){for(const [method,op] of Object.entries(ops)){
    const s=document.createElement('section');
    const h=document.createElement('div');
    const m=document.createElement('span');m.className='m '+method;m.textContent=method;
    const c=document.createElement('code');c.textContent=path;
    h.append(m,c);s.append(h);
    const p=document.createElement('p');p.textContent=op.summary||'';s.append(p);
    const codes=document.createElement('div');codes.className='codes';codes.textContent='Answers: '+Object.keys(op.responses||{}).join(', ');s.append(codes);
    const body=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json'];
    if(body){const d=document.createElement('details');const sm=document.createElement('summary');sm.textContent='Request body schema';
      const pre=document.createElement('pre');pre.textContent=JSON.stringify(body.schema,null,2);d.append(sm,pre);s.append(d);}
    out.append(s);}}
});
</script></body></html>`;
