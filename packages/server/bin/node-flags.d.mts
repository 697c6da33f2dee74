// Types of node-flags.mjs (plain JavaScript: the launchers in bin/ and scripts/ run without tsx).
export declare const MAX_SEMI_SPACE_MB: number;
export declare const SERVER_NODE_FLAGS: readonly string[];
