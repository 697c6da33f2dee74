// V8 flags every launcher of the relay passes to node (bin/sealed-server.mjs, `npm start`,
// the load benchmark). They must be given at start-up: V8 sizes its heap and starts its GC
// helper threads before any of our code runs (v8.setFlagsFromString afterwards aborts the
// process on the next major GC).
//
// Why (docs/BENCHMARKS.md, "Relay server"): under load the relay allocates a few short-lived
// objects per frame while thousands of messages are in flight, and garbage collection took
// ~19 % of its CPU in a profile. One GC thread instead of parallel helpers trades a little
// pause time for less total CPU: the helpers contend for the same few cores the relay and its
// database use. Saturation bench, same machine and minutes: 25.8-27.6 -> 21.0-21.5 us of
// server CPU per message (with the one-buffer outbox).
//
// MAX_SEMI_SPACE_MB pins the young generation's bound (V8's default on 64-bit is of this
// order but depends on the version). 32 MB cost the same CPU as 16 MB in the same minutes
// (23.3-26.2 vs 23.5-29.3 us/msg) but 8.5-10.3 KB instead of 5.1-6.2 KB of RSS per idle
// authenticated socket (the young generation grows while 10,000 sockets authenticate), so 16.
export const MAX_SEMI_SPACE_MB = 16;

/** @type {readonly string[]} */
export const SERVER_NODE_FLAGS = [`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`, '--single-threaded-gc'];
