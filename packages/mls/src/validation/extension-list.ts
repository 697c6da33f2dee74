/**
 * Rules on whole extension lists (RFC 9420 §13.4, §17.3) that no single extension's
 * decoder can see:
 * - no list holds two extensions of one type (§13.4, every list);
 * - a GroupContext (and a ReInit's extensions, the GroupContext-to-be of the new group)
 *   holds only extensions the §17.3 registry allows there: not application_id (LeafNode
 *   only), ratchet_tree or external_pub (GroupInfo only), nor a GREASE value (§13.5: GREASE
 *   MUST NOT be sent in GroupContext.extensions); unknown types are the members'
 *   capabilities' business (checkGroupCompatibility);
 * - the GroupContext extensions this code reads, required_capabilities and
 *   external_senders, decode exactly: a body that does not would otherwise be stored in
 *   the group and fail every later use of it (§12.1.7, §12.1.8.1).
 */
import { DecodeError } from '../codec/errors.ts';
import { ExtensionType, isGrease } from '../structs/enums.ts';
import { type Extension, parseExternalSenders, parseRequiredCapabilities } from '../structs/extensions.ts';
import { ValidationError } from './errors.ts';

/** Where an extension list sits (the "Message(s)" column of RFC 9420 §17.3). */
export type ExtensionListKind = 'group-context' | 'group-info' | 'leaf-node' | 'key-package';

/** RFC 9420's extension types that may not appear in a GroupContext (§17.3). */
const NOT_IN_GROUP_CONTEXT: ReadonlySet<number> = new Set([ExtensionType.application_id, ExtensionType.ratchet_tree, ExtensionType.external_pub]);

/**
 * §13.4: at most one extension of each type in `extensions`.
 * @throws ValidationError('duplicate-extension')
 */
export function checkUniqueExtensionTypes(extensions: readonly Extension[], object: ExtensionListKind): void {
  const seen = new Set<number>();
  for (const { extensionType } of extensions) {
    if (seen.has(extensionType)) throw new ValidationError('duplicate-extension', { extensionType, object });
    seen.add(extensionType);
  }
}

/**
 * Checks a GroupContext's extension list (or a ReInit's, which becomes one): unique
 * types, only types allowed in a GroupContext, and required_capabilities and
 * external_senders bodies that decode.
 * @throws ValidationError('duplicate-extension' | 'extension-not-allowed' | 'malformed-extension')
 */
export function checkGroupContextExtensions(extensions: readonly Extension[]): void {
  checkUniqueExtensionTypes(extensions, 'group-context');
  for (const { extensionType, extensionData } of extensions) {
    if (NOT_IN_GROUP_CONTEXT.has(extensionType) || isGrease(extensionType)) throw new ValidationError('extension-not-allowed', { extensionType, object: 'group-context' });
    try {
      if (extensionType === ExtensionType.required_capabilities) parseRequiredCapabilities(extensionData);
      else if (extensionType === ExtensionType.external_senders) parseExternalSenders(extensionData);
    } catch (error) {
      if (error instanceof DecodeError) throw new ValidationError('malformed-extension', { extensionType, object: 'group-context' });
      throw error;
    }
  }
}
