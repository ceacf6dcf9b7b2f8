/**
 * Injected faults, set through the control API: throttle, fail with a 5xx, add latency, or drop the
 * connection, for one operation or all, for the next N calls, a percentage of calls, or until cleared.
 * Percentages draw from a seeded generator so a run is reproducible.
 */
import { z } from 'zod';
import { mulberry32 } from './world/rng.js';

/** The AWS error each injected 5xx answers with. */
export const FAULT_ERROR_NAMES = {
  500: 'InternalServerException',
  502: 'BadGatewayException',
  503: 'ServiceUnavailableException',
  504: 'GatewayTimeoutException',
} as const;
/** The HTTP statuses an `error` fault may answer with (5xx only). */
export type FaultErrorStatus = keyof typeof FAULT_ERROR_NAMES;

const errorStatus = z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]);

/**
 * A fault as the control API takes it. `status` is for `error` faults only (default 500); a `throttle`
 * always answers 429 (giving `status: 429` is allowed), and `latency` and `drop` answer with no status of
 * their own. The parsed spec states what the fault does: the `status` it answers with, if any, and an
 * `answer` in words.
 */
export const faultSpecSchema = z
  .object({
    operation: z
      .string()
      .min(1)
      .default('*')
      .describe("an operation name such as 'GetDataIntegrationEvent', or '*'"),
    kind: z.enum(['throttle', 'error', 'latency', 'drop']),
    count: z.number().int().positive().optional(),
    percent: z.number().min(0).max(100).optional(),
    status: z.union([errorStatus, z.literal(429)]).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict()
  .refine((f) => f.kind !== 'latency' || f.latencyMs !== undefined, {
    message: "a 'latency' fault needs latencyMs",
    path: ['latencyMs'],
  })
  .refine(
    (f) =>
      f.status === undefined ||
      (f.kind === 'throttle' ? f.status === 429 : f.kind === 'error' && f.status !== 429),
    {
      message:
        "status is for 'error' faults (500, 502, 503 or 504); a 'throttle' fault always answers 429 ThrottlingException, and 'latency' and 'drop' faults answer with no status of their own",
      path: ['status'],
    },
  )
  .transform(({ status, ...f }) => {
    switch (f.kind) {
      case 'throttle':
        return { ...f, status: 429, answer: '429 ThrottlingException' };
      case 'error': {
        const code = (status ?? 500) as FaultErrorStatus;
        return { ...f, status: code, answer: `${code} ${FAULT_ERROR_NAMES[code]}` };
      }
      case 'latency':
        return { ...f, answer: `the normal answer, ${f.latencyMs} ms late` };
      case 'drop':
        return { ...f, answer: 'no answer: the connection is closed' };
    }
  });

/** A fault as parsed from the control API (see {@link faultSpecSchema}). */
export type FaultSpec = z.infer<typeof faultSpecSchema>;
/**
 * An active fault: its spec, its id (for listing) and how many calls it has fired for. A fault with a
 * `count` is removed once it has fired that many times.
 */
export type Fault = FaultSpec & {
  readonly id: number;
  /** Calls this fault has fired for. */
  fired: number;
};

/** What to do to one call: wait `latencyMs`, then fail (or not). */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly failure?:
    { readonly kind: 'throttle' | 'drop' } | { readonly kind: 'error'; readonly status: FaultErrorStatus };
}

/** A seedable PRNG (uniform in [0, 1)): the world's mulberry32. */
export const seededRandom = mulberry32;

/**
 * The active faults of an emulator. `decide` is asked once per AWS call: latency faults add up, the first
 * matching failure wins, and `percent` is drawn from a random source seeded with the emulator's seed, so a
 * run with the same seed and calls fails the same calls.
 */
export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;
  private random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed ^ 0x5eed);
  }

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextId++, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  clear(seed?: number): void {
    this.faults = [];
    if (seed !== undefined) this.random = seededRandom(seed ^ 0x5eed);
  }

  /** Decides the faults for one call of `operation`, consuming counted faults. */
  decide(operation: string): FaultDecision {
    let latencyMs = 0;
    let failure: FaultDecision['failure'];
    for (const fault of this.faults) {
      if (fault.operation !== '*' && fault.operation !== operation) continue;
      if (fault.kind !== 'latency' && failure) continue;
      if (fault.percent !== undefined && this.random() * 100 >= fault.percent) continue;
      fault.fired++;
      if (fault.kind === 'latency') latencyMs += fault.latencyMs ?? 0;
      else
        failure =
          fault.kind === 'error'
            ? { kind: 'error', status: ('status' in fault ? fault.status : 500) as FaultErrorStatus }
            : { kind: fault.kind };
    }
    this.faults = this.faults.filter((f) => f.count === undefined || f.fired < f.count);
    return failure ? { latencyMs, failure } : { latencyMs };
  }
}
