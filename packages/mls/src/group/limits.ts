/**
 * Bounds of a group's state against hostile peers (RFC 9420 leaves them to the
 * application). Each is checked before the work or memory it would cost.
 */

/**
 * Past epochs whose secret trees are kept to decrypt late application messages (§12.4.2
 * allows keeping them "for a short time"; §9.2 asks to delete them soon for forward
 * secrecy). The Sealed relay stores application data at most 2 epochs behind its group
 * (MAX_APPLICATION_EPOCH_LAG), and members read their queue in order, except that a member's
 * own commit takes effect when the relay accepts it, before the member has read what was
 * queued ahead of it: two more cover a member that commits twice (an add, then the removal
 * of a device) before catching up (chaos suite: wrong-epoch on such a member). Still a
 * short window: the keys of four epochs, dropped as soon as four more have passed.
 */
export const MAX_PAST_EPOCHS = 4;

/**
 * Proposals stored by reference while waiting for a commit (§12.4). A member could send
 * an unbounded stream of proposals; beyond this count new ones are refused.
 */
export const MAX_PENDING_PROPOSALS = 256;

/**
 * Members of a Sealed group: every device of every participant. 1024 is the largest
 * group the benchmarks measure; the tree itself is bounded by MAX_TREE_LEAVES.
 */
export const MAX_MEMBERS = 1024;

/**
 * Largest MLSMessage the group API parses: 4 MiB. A commit adding MAX_MEMBERS post-quantum
 * key packages (about 3 KiB each) fits; anything larger is refused before decoding.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Resumption PSKs of past epochs kept so later commits and welcomes can reference them
 * (§8.6). Same reasoning as MAX_PAST_EPOCHS, a little longer because resumption is rare.
 */
export const MAX_RESUMPTION_PSKS = 8;

/** Largest saved group state we load: a full tree of MAX_MEMBERS post-quantum leaves plus secrets. */
export const MAX_SERIALIZED_STATE_BYTES = 64 * 1024 * 1024;
