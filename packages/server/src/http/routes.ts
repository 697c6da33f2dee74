/**
 * The HTTP endpoints of protocol v1 (see @sealed/protocol/http for shapes). Each handler:
 * authenticate if needed, rate-limit, validate at the edge, call one service method, answer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fromBase64Url } from '@sealed/protocol/encoding';
import {
  accountResponseJson,
  attachmentResponseJson,
  challengeResponseJson,
  claimResponseJson,
  keyPackageCountJson,
  parseClaimRequest,
  parseDeviceListRequest,
  parseKeyPackageUploadRequest,
  parseRegisterRequest,
  parseSessionRequest,
  sessionResponseJson,
} from '@sealed/protocol/http';
import { MAX_JSON_BODY_BYTES, SESSION_TOKEN_BYTES } from '@sealed/protocol/limits';
import { ValidationError } from '@sealed/protocol/validate';
import { ServerError } from '../errors.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { Caller } from '../services/deps.ts';
import type { Services } from '../services/services.ts';
import { declaredLength, readJson } from './body.ts';
import { sendJson } from './respond.ts';
import { Router } from './router.ts';
import { addTransparencyRoutes } from '../transparency/kt-routes.ts';
import type { TransparencyService } from '../transparency/kt-service.ts';
import { addLinkRoutes } from '../linking/routes.ts';

export interface RouteDeps {
  readonly services: Services;
  readonly limits: { readonly register: RateLimiter; readonly claim: RateLimiter };
  readonly renderMetrics: () => string;
  readonly isDraining: () => boolean;
  /** Key transparency (/v1/kt/*); absent: those endpoints answer not-found. */
  readonly transparency?: TransparencyService;
}

/** Parses the JSON body through a protocol validator, mapping validation failures. */
async function body<T>(req: IncomingMessage, parse: (value: unknown) => T, maxBytes = MAX_JSON_BODY_BYTES): Promise<T> {
  const json = await readJson(req, maxBytes);
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof ValidationError) throw new ServerError(error.code, `${error.field}: ${error.reason}`);
    throw error;
  }
}

/** `Authorization: Bearer <base64url token>` -> the calling device. */
export async function authenticate(req: IncomingMessage, services: Services): Promise<Caller> {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{1,64})$/.exec(header);
  const token = match === null ? undefined : fromBase64Url(match[1]!);
  if (token === undefined || token.length !== SESSION_TOKEN_BYTES) throw new ServerError('unauthorized', 'missing or malformed bearer token');
  return services.accounts.authenticate(token);
}

/**
 * A rate-limit key for unauthenticated requests: a keyed hash of the source address under
 * a per-process random key. It lives only in the limiter's memory; no address is stored or
 * logged.
 */
const SOURCE_KEY = randomBytes(32);
function sourceKey(req: IncomingMessage): string {
  return createHmac('sha256', SOURCE_KEY).update(req.socket.remoteAddress ?? '').digest('base64url');
}

function limit(limiter: RateLimiter, key: string): void {
  const wait = limiter.take(key);
  if (wait > 0) throw new ServerError('rate-limited', 'too many requests', wait);
}

export function buildRouter(deps: RouteDeps): Router {
  const { services, limits } = deps;
  const router = new Router();
  addLinkRoutes(router, { services, authenticate: (req) => authenticate(req, services), body, limitSource: (req) => limit(limits.register, sourceKey(req)) });
  addTransparencyRoutes(router, {
    ...(deps.transparency === undefined ? {} : { transparency: deps.transparency }),
    authenticate: (req) => authenticate(req, services),
    limitLookup: (caller) => limit(limits.claim, caller.deviceId),
  });
  return router
    .add('GET', '/healthz', async ({ res }) => {
      sendJson(res, deps.isDraining() ? 503 : 200, { status: deps.isDraining() ? 'draining' : 'ok' });
    })
    .add('GET', '/metrics', async ({ res }) => {
      const text = deps.renderMetrics();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })
    .add('POST', '/v1/challenges', async ({ req, res }) => {
      limit(limits.register, sourceKey(req));
      sendJson(res, 200, challengeResponseJson(await services.accounts.issueChallenge()));
    })
    .add('POST', '/v1/accounts', async ({ req, res }) => {
      limit(limits.register, sourceKey(req));
      const request = await body(req, parseRegisterRequest);
      sendJson(res, 201, sessionResponseJson(await services.accounts.register(request)));
    })
    .add('POST', '/v1/sessions', async ({ req, res }) => {
      limit(limits.register, sourceKey(req));
      const request = await body(req, parseSessionRequest);
      sendJson(res, 200, sessionResponseJson(await services.accounts.createSession(request)));
    })
    .add('GET', '/v1/accounts/:username', async ({ req, res, params }) => {
      const caller = await authenticate(req, services);
      limit(limits.claim, caller.deviceId);
      sendJson(res, 200, accountResponseJson(await services.accounts.lookup(params['username']!)));
    })
    .add('PUT', '/v1/devices', async ({ req, res }) => {
      const caller = await authenticate(req, services);
      const request = await body(req, parseDeviceListRequest);
      sendJson(res, 200, await services.accounts.updateDeviceList(caller, request.deviceList));
    })
    .add('POST', '/v1/key-packages', async ({ req, res }) => {
      const caller = await authenticate(req, services);
      const request = await body(req, parseKeyPackageUploadRequest);
      sendJson(res, 200, keyPackageCountJson(await services.keyPackages.upload(caller, request)));
    })
    .add('GET', '/v1/key-packages/count', async ({ req, res }) => {
      const caller = await authenticate(req, services);
      sendJson(res, 200, keyPackageCountJson(await services.keyPackages.count(caller)));
    })
    .add('POST', '/v1/key-packages/claim', async ({ req, res }) => {
      const caller = await authenticate(req, services);
      limit(limits.claim, caller.deviceId);
      const request = await body(req, parseClaimRequest);
      sendJson(res, 200, claimResponseJson(await services.keyPackages.claim(request.username)));
    })
    .add('POST', '/v1/attachments', async ({ req, res }) => {
      await authenticate(req, services);
      const type = req.headers['content-type'];
      if (type !== 'application/octet-stream') throw new ServerError('bad-request', 'content-type must be application/octet-stream');
      const result = await services.attachments.upload(req, declaredLength(req));
      sendJson(res, 201, attachmentResponseJson(result));
    })
    .add('GET', '/v1/attachments/:id', async ({ req, res, params }) => {
      await authenticate(req, services);
      const { size, stream } = await services.attachments.download(params['id']!);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    });
}
