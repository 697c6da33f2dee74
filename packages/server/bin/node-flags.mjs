// V8 flags every launcher of the relay passes to node (bin/sealed-server.mjs, `npm start`,
// the load benchmark). They must be given at start-up: V8 sizes its heap and starts its GC
// helper threads before any of our code runs (v8.setFlagsFromString afterwards aborts the
// process on the next major GC).
//
// Why (docs/BENCHMARKS.md, "Relay server"): under load the relay allocates a few short-lived
// objects per frame while thousands of messages are in flight, and with V8's defaults the
// young-generation collections took ~19 % of its CPU. A larger young generation lets those
// objects die before a collection instead of being copied (promoted); one GC thread instead of
// parallel helpers trades a little pause time for less total CPU (helpers contend for the
// same few cores the relay and its database already use). Measured on the saturation bench,
// same machine and minutes: about 24-30 -> 22-23 us of server CPU per message.
//
// MAX_SEMI_SPACE_MB bounds the extra memory: each of the two semi-spaces grows up to it only
// under allocation pressure, so an idle relay keeps its small heap.
export const MAX_SEMI_SPACE_MB = 32;

/** @type {readonly string[]} */
export const SERVER_NODE_FLAGS = [`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`, '--single-threaded-gc'];
