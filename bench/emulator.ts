/**
 * A client of the emulator's control API (`/_emulator/`): upstream call counters and faults.
 * Internal to the benchmarks.
 */

/** Upstream calls per AWS operation since the last reset. */
export type CallCounts = Readonly<Record<string, number>>;

export interface EmulatorControl {
  calls(): Promise<CallCounts>;
  resetCalls(): Promise<void>;
  /** Adds `latencyMs` to every call of `operation` until cleared. */
  addLatency(operation: string, latencyMs: number): Promise<void>;
  /** Adds a fault (see the emulator's control API), e.g. `{ operation, kind: 'throttle', percent }`. */
  addFault(fault: Readonly<Record<string, unknown>>): Promise<void>;
  clearFaults(): Promise<void>;
  /** Moves the simulated time forward (every running load moves on). */
  advanceClock(advanceMs: number): Promise<void>;
}

export function emulatorControl(baseUrl: string): EmulatorControl {
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${baseUrl}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    calls: async () => (await control('GET', 'calls')) as CallCounts,
    resetCalls: async () => void (await control('DELETE', 'calls')),
    addLatency: async (operation, latencyMs) =>
      void (await control('POST', 'faults', { operation, kind: 'latency', latencyMs })),
    addFault: async (fault) => void (await control('POST', 'faults', fault)),
    clearFaults: async () => void (await control('DELETE', 'faults')),
    advanceClock: async (advanceMs) => void (await control('POST', 'clock', { advanceMs })),
  };
}

/** The sum of the counts of `operations` (all of them when omitted). */
export function totalCalls(counts: CallCounts, operations?: readonly string[]): number {
  return (operations ?? Object.keys(counts)).reduce((sum, op) => sum + (counts[op] ?? 0), 0);
}

/** POSTs `body` as JSON to one of the emulator's control routes and returns its JSON answer; throws on a non-2xx. */
export async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}
