/**
 * The AWS operations live polling calls: the names `LIVE_SHARED_RATE_BY_OPERATION` may set a rate for.
 * Declared with that setting in config.ts.
 */
export { POLLED_OPERATIONS } from '../config.js';
import type { POLLED_OPERATIONS } from '../config.js';

/** One of {@link POLLED_OPERATIONS}. */
export type PolledOperation = (typeof POLLED_OPERATIONS)[number];
