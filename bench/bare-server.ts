/**
 * The baseline: a bare Fastify server on mutual TLS with exactly the gateway's TLS options
 * (`tlsServerOptions`: client certificate requested, forward-secret suites, TLS ≥ 1.2), no logging,
 * no plugins. Run as its own process by `bare-process.ts`; prints `{"url": …}` when it listens.
 *
 * What the gateway does on top of this — authentication, authorization, validation, the store, the
 * processing log, the access log — is what the ratios in the benchmark table measure.
 *
 * Routes (each refuses a client whose certificate did not verify, as the gateway does, so the bare
 * figure includes that check):
 * - `GET /constant`: a constant JSON object; the baseline of the target;
 * - `POST /constant`: the same after Fastify has parsed a JSON body: the bare cost of a POST like `_zoek`;
 * - `GET /not-modified`: 304 when `If-None-Match` matches, as an empty changes poll is answered.
 */
import type { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { tlsServerOptions } from '../src/server/tls-options.js';
import { readInput } from './child-input.js';

interface Input {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly crl: string;
}

const input = await readInput<Input>();
const material = { cert: readFileSync(input.cert), key: readFileSync(input.key), ca: readFileSync(input.ca), crl: readFileSync(input.crl) };
const app = Fastify({ logger: false, https: tlsServerOptions(material, 'TLSv1.2') });

const CONSTANT = { status: 'ok', service: 'bare' };
const ETAG = '"bench"';

function verified(request: FastifyRequest, reply: FastifyReply): boolean {
  if ((request.raw.socket as TLSSocket).authorized) return true;
  void reply.code(403).send({ status: 403, title: 'client certificate required' });
  return false;
}

app.get('/constant', async (request, reply) => (verified(request, reply) ? CONSTANT : reply));
app.post('/constant', async (request, reply) => (verified(request, reply) ? CONSTANT : reply));
app.get('/not-modified', async (request, reply) => {
  if (!verified(request, reply)) return reply;
  if (request.headers['if-none-match'] === ETAG) return reply.code(304).header('etag', ETAG).send();
  return reply.header('etag', ETAG).send(CONSTANT);
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: address.replace('localhost', '127.0.0.1') })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
