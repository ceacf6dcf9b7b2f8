/**
 * The contract between the emulator's wire layer (`protocol/`) and its service logic (`services/`).
 *
 * The wire layer owns everything restJson1: routing by the model's `@http` trait, binding labels, query and
 * body, validating every constraint the model states (required, length, pattern, range, enum) and
 * serializing outputs with the model's timestamp formats. A handler therefore receives an input that is
 * already valid per the model (timestamps as `Date`, integers as numbers, absent optionals as `undefined`)
 * and returns a plain output object (timestamps as `Date`); it throws {@link AwsError} for the errors AWS
 * would answer (not found, conflict, business validation).
 *
 * Internal to the emulator.
 */

/** The error shape names both services share; DataZone adds UnauthorizedException. */
export type AwsErrorName =
  | 'ValidationException'
  | 'ServiceQuotaExceededException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'UnauthorizedException';

/** An error answered in the restJson1 encoding; the HTTP status comes from the model's `@httpError`. */
export class AwsError extends Error {
  override readonly name: AwsErrorName;
  constructor(name: AwsErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** The services the emulator simulates. */
export type ServiceName = 'supplychain' | 'datazone';

/** What a handler knows about the call besides its input. */
export interface CallContext {
  readonly service: ServiceName;
  readonly operation: string;
  /** The `x-amzn-requestid` answered for this call. */
  readonly requestId: string;
  /** The account the caller is signed into (fixed in the emulator). */
  readonly accountId: string;
  /** The region from the SigV4 credential scope. */
  readonly region: string;
}

/**
 * Answers one operation: a validated input (the model's member names) to its output. Throws an AwsError to
 * answer a modeled error; anything else it throws is a 500 (an emulator bug).
 */
export type Handler = (input: Record<string, any>, ctx: CallContext) => Record<string, any>;

/** One handler per operation name of a service, e.g. `{ GetDataIntegrationEvent: ... }`. */
export type ServiceHandlers = Readonly<Record<string, Handler>>;

/** The emulator's clock. Simulated time starts at the real time and can be advanced or sped up. */
export interface Clock {
  /** Current simulated time, epoch milliseconds. */
  now(): number;
  /** Moves simulated time forward by `ms`. */
  advance(ms: number): void;
  /** Simulated milliseconds per real millisecond (1 = real time). */
  setSpeed(factor: number): void;
  readonly speed: number;
}
