/**
 * A reference to one load of any kind: its kind and its upstream key. Shared by the graph (global ids)
 * and the live hub (what a poller watches). Declared with the table of load kinds (loadKinds.ts).
 */
export { loadRefKey, type LoadKind, type LoadRef } from './loadKinds.js';
