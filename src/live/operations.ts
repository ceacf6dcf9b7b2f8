/**
 * The AWS operations live polling calls: the names `LIVE_SHARED_RATE_BY_OPERATION` may set a rate for.
 * Declared with that setting in config.ts.
 */
export { POLLED_OPERATIONS, type PolledOperation } from '../config.js';
