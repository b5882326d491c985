/**
 * V8 flags every Storegraph service process starts with (the launcher, the benchmark; in production put
 * them in NODE_OPTIONS). A larger young generation: a subgraph answering a 200-entity request allocates
 * tens of MB of short-lived objects, and with V8's default 16 MB semi-spaces it ran a scavenge every few
 * requests — garbage collection was 13-24% of the prices process. 32 MB semi-spaces cut the prices
 * subgraph's CPU per listing by about 40% (14.4 -> 8.5 ms, A/B of two processes side by side) for up to
 * ~64 MB more resident memory per process.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];
