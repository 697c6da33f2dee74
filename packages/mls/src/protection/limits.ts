/**
 * Constants of message protection.
 */

/**
 * PrivateMessageContent is padded with zeros to a multiple of this many bytes (§6.3.1
 * leaves the policy to the application). 32 hides the exact length of short messages
 * (typing a few more characters rarely changes the size) for at most 31 bytes of overhead.
 */
export const DEFAULT_PADDING_BLOCK = 32;

/**
 * Largest padding block a caller may ask for: padding is our own choice, not attacker
 * input, but a mistaken huge block would blow up every message. 4 KiB is one page.
 */
export const MAX_PADDING_BLOCK = 4096;
