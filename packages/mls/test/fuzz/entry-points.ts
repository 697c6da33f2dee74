// The real entry points for each incoming message type, as the client SDK calls them: the
// group API for group messages and Welcomes; for a GroupInfo (external join) and a KeyPackage
// (to add) the MLSMessage is decoded with the group API's bounded decoder and handed to
// joinByExternalCommit / addMembers.
import { acceptAll } from '../group/helpers.ts';
import { addMembers, processIncoming, processWelcome } from '../../src/group/api.ts';
import { GroupError } from '../../src/group/errors.ts';
import { decodeMessage } from '../../src/group/process.ts';
import type { GroupState } from '../../src/group/state.ts';
import { joinByExternalCommit } from '../../src/external/join.ts';
import { daveKp, options, suite, welcomeOptions } from './fixtures.ts';

export function incoming(state: GroupState, bytes: Uint8Array): unknown {
  return processIncoming(state, bytes, options);
}

export function welcome(bytes: Uint8Array): unknown {
  return processWelcome(bytes, daveKp, welcomeOptions);
}

const joinerKeys = suite.provider.signatureGenerate(suite.signature);

export function externalJoin(bytes: Uint8Array): unknown {
  const message = decodeMessage(bytes);
  if (message.wireFormat !== 'mls_group_info') throw new GroupError('malformed-message', 'not a GroupInfo');
  return joinByExternalCommit({ suite, groupInfo: message.groupInfo, policy: acceptAll, credential: { type: 'basic', identity: new TextEncoder().encode('fuzz') }, signatureKeyPair: joinerKeys });
}

export function addFromKeyPackage(state: GroupState, bytes: Uint8Array): unknown {
  const message = decodeMessage(bytes);
  if (message.wireFormat !== 'mls_key_package') throw new GroupError('malformed-message', 'not a KeyPackage');
  // A PublicMessage commit: building it consumes no key of the epoch's secret tree, so the
  // adder's state stays byte-identical whether or not the KeyPackage is accepted.
  return addMembers(state, [message.keyPackage], { ...options, wireFormat: 'mls_public_message' });
}
