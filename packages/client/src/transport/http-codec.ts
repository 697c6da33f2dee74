/**
 * The engine's typed HTTP requests as protocol v1 HTTP calls (packages/protocol/src/http.ts):
 * method, path and JSON body (bytes base64url without padding, ids lowercase hex). Pure.
 */
import { toBase64Url, toHex } from '@sealed/protocol/encoding';
import type { HttpRequest } from '../engine/actions.ts';

export interface HttpCall {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body: object | undefined;
}

export function httpCallOf(request: HttpRequest): HttpCall {
  switch (request.kind) {
    case 'challenge':
      return { method: 'POST', path: '/v1/challenges', body: {} };
    case 'register': {
      const b = request.body;
      return {
        method: 'POST',
        path: '/v1/accounts',
        body: {
          username: b.username,
          identityKey: toBase64Url(b.identityKey),
          deviceList: toBase64Url(b.deviceList),
          challenge: toBase64Url(b.challenge),
          identitySignature: toBase64Url(b.identitySignature),
          deviceSignature: toBase64Url(b.deviceSignature),
        },
      };
    }
    case 'session':
      return { method: 'POST', path: '/v1/sessions', body: { deviceId: toHex(request.body.deviceId), challenge: toBase64Url(request.body.challenge), signature: toBase64Url(request.body.signature) } };
    case 'upload-key-packages': {
      const b = request.body;
      const keyPackages = b.keyPackages.map(toBase64Url);
      return { method: 'POST', path: '/v1/key-packages', body: b.lastResort === undefined ? { keyPackages } : { keyPackages, lastResort: toBase64Url(b.lastResort) } };
    }
    case 'get-account':
      return { method: 'GET', path: `/v1/accounts/${encodeURIComponent(request.username)}`, body: undefined };
    case 'claim-key-packages':
      return { method: 'POST', path: '/v1/key-packages/claim', body: { username: request.username } };
    case 'put-device-list':
      return { method: 'PUT', path: '/v1/devices', body: { deviceList: toBase64Url(request.deviceList) } };
    case 'create-link':
      return { method: 'POST', path: '/v1/links', body: { offer: toBase64Url(request.offer) } };
    case 'get-link':
      return { method: 'GET', path: `/v1/links/${toHex(request.linkId)}`, body: undefined };
    case 'seal-link':
      return { method: 'PUT', path: `/v1/links/${toHex(request.linkId)}`, body: { sealed: toBase64Url(request.sealed) } };
  }
}
