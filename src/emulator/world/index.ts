/**
 * The emulator's simulated world: `createWorld` and the types handlers and the control API use.
 *
 * Internal to the emulator.
 */
export {
  createWorld,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  type World,
  type WorldOptions,
  type WorldSummary,
} from './world.js';
export { defaultTiming, resolveTiming, type Timing } from './timing.js';
export { IDEMPOTENCY_WINDOW_MS } from './idempotency.js';
