/**
 * The device-link endpoints (protocol link.ts), registered on the server's router by
 * http/routes.ts. Creating and reading a mailbox need no session (the new device has none);
 * creation is rate-limited per source like registration, reading is bounded by the link
 * id's 128 random bits (and polled by the new device). Answering needs a signed-in device.
 */
import type { IncomingMessage } from 'node:http';
import { linkCreatedJson, linkStateJson, parseCreateLinkRequest, parseLinkId, parseSealLinkRequest } from '@sealed/protocol/link';
import { ValidationError } from '@sealed/protocol/validate';
import { ServerError } from '../errors.ts';
import { sendJson } from '../http/respond.ts';
import type { Router } from '../http/router.ts';
import type { Services } from '../services/services.ts';

export interface LinkRouteDeps {
  readonly services: Services;
  /** The caller's device, from its bearer token. @throws ServerError('unauthorized') */
  readonly authenticate: (req: IncomingMessage) => Promise<unknown>;
  /** Parses a JSON body through a protocol validator. */
  readonly body: <T>(req: IncomingMessage, parse: (value: unknown) => T) => Promise<T>;
  /** Rate-limits an unauthenticated request by its source. @throws ServerError('rate-limited') */
  readonly limitSource: (req: IncomingMessage) => void;
}

function linkIdOf(text: string): Uint8Array {
  try {
    return parseLinkId(text);
  } catch (error) {
    // A malformed id is as unknown as a wrong one: the same answer for both.
    if (error instanceof ValidationError) throw new ServerError('not-found', 'link');
    throw error;
  }
}

export function addLinkRoutes(router: Router, deps: LinkRouteDeps): Router {
  const links = deps.services.links;
  return router
    .add('POST', '/v1/links', async ({ req, res }) => {
      deps.limitSource(req);
      const request = await deps.body(req, parseCreateLinkRequest);
      sendJson(res, 201, linkCreatedJson(await links.create(request.offer)));
    })
    .add('GET', '/v1/links/:linkId', async ({ res, params }) => {
      // Not rate-limited: the new device polls until answered, and guessing a 128-bit id is hopeless.
      sendJson(res, 200, linkStateJson(await links.take(linkIdOf(params['linkId']!))));
    })
    .add('PUT', '/v1/links/:linkId', async ({ req, res, params }) => {
      await deps.authenticate(req);
      const linkId = linkIdOf(params['linkId']!);
      const request = await deps.body(req, parseSealLinkRequest);
      await links.seal(linkId, request.sealed);
      sendJson(res, 200, {});
    });
}
