/** The services behind the edge, built once per server. */
import type { AttachmentBlobStore } from '../attachments/blob-store.ts';
import { AccountService } from './accounts.ts';
import { AttachmentService } from './attachments.ts';
import { DeliveryService } from './delivery.ts';
import type { ServiceDeps } from './deps.ts';
import { KeyPackageService } from './key-packages.ts';
import { LinkService } from '../linking/service.ts';

export interface Services {
  readonly accounts: AccountService;
  readonly keyPackages: KeyPackageService;
  readonly delivery: DeliveryService;
  readonly attachments: AttachmentService;
  readonly links: LinkService;
}

export function buildServices(deps: ServiceDeps, blobs: AttachmentBlobStore): Services {
  return {
    accounts: new AccountService(deps),
    keyPackages: new KeyPackageService(deps),
    delivery: new DeliveryService(deps),
    attachments: new AttachmentService(deps, blobs),
    links: new LinkService(deps.storage.links, deps.now),
  };
}
