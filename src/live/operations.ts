/**
 * The AWS operations live polling calls: the names `LIVE_SHARED_RATE_BY_OPERATION` may set a rate for.
 * Declared with the table of load kinds (each kind's poll and list operation).
 */
export { POLLED_OPERATIONS, type PolledOperation } from '../upstream/loadKinds.js';
