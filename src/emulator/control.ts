/**
 * The emulator's control API under `/_emulator/`, JSON in and out:
 *
 * | route | effect |
 * |---|---|
 * | `GET /_emulator/calls` | calls per AWS operation since the last reset, e.g. `{"GetDataIntegrationEvent": 12}` |
 * | `DELETE /_emulator/calls` | resets the counts |
 * | `GET /_emulator/world` | the seeded ids: instances, namespaces, datasets, flows, domains, projects, data sources |
 * | `POST /_emulator/reset` `{seed?}` | a new world from the seed (default: the one the emulator started with, `EMULATOR_SEED`); clears calls and faults |
 * | `GET /_emulator/clock` | `{now, nowMs, speed}` |
 * | `POST /_emulator/clock` `{advanceMs?, speed?}` | moves simulated time forward and/or sets its speed |
 * | `GET /_emulator/faults` | the active faults |
 * | `POST /_emulator/faults` `{operation?, kind, count?, percent?, status?, latencyMs?}` | adds a fault; echoes it as it will act (`status`, `answer`) |
 * | `DELETE /_emulator/faults` | clears every fault |
 * | `POST /_emulator/scene` `{kind, parent ids, count, durationMs, spreadMs?, outcome?}` | creates `count` running loads under one parent (see world/scene.ts); `{ids, endsAtMs}` |
 *
 * Internal to the emulator.
 */
import { z } from 'zod';
import { faultSpecSchema } from './faults.js';
import type { WireResponse } from './protocol/restJson.js';
import type { EmulatorState } from './server.js';
import { sceneSchema } from './scene.control.js';
import { seedScene } from './world/scene.js';

const json = (status: number, value: unknown): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

const problem = (status: number, message: string): WireResponse => json(status, { error: message });

const MAX_ADVANCE_MS = 100 * 365.25 * 24 * 3_600_000;
const resetSchema = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
  })
  .strict();
const clockSchema = z
  .object({
    advanceMs: z
      .number()
      .min(0)
      .max(MAX_ADVANCE_MS, 'at most 100 years (3155760000000 ms) at a time')
      .optional(),
    speed: z.number().min(0).max(1_000_000).optional(),
  })
  .strict();

function parseBody<T>(schema: z.ZodType<T>, body: Buffer): T | WireResponse {
  let raw: unknown = {};
  if (body.length > 0) {
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      return problem(400, 'the body must be JSON');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return problem(
      400,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

const isResponse = (v: unknown): v is WireResponse =>
  typeof v === 'object' && v !== null && 'status' in v && 'body' in v;

function clockView(state: EmulatorState): unknown {
  const nowMs = state.clock.now();
  return { now: new Date(nowMs).toISOString(), nowMs, speed: state.clock.speed };
}

/**
 * Answers one request of the control API (see the module) against `state`, which it may change (reset,
 * clock, faults, scenes). Bad bodies are 400 with the problems in words, unknown routes 404; it does not
 * throw for client mistakes.
 */
export function handleControl(state: EmulatorState, method: string, url: URL, body: Buffer): WireResponse {
  const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_emulator/calls':
      return json(200, Object.fromEntries([...state.calls.entries()].sort(([a], [b]) => a.localeCompare(b))));
    case 'DELETE /_emulator/calls':
      state.calls.clear();
      return json(200, {});
    case 'GET /_emulator/world':
      return json(200, state.world.summary());
    case 'POST /_emulator/reset': {
      const input = parseBody(resetSchema, body);
      if (isResponse(input)) return input;
      state.reset(input.seed);
      return json(200, { seed: state.seed, world: state.world.summary() });
    }
    case 'GET /_emulator/clock':
      return json(200, clockView(state));
    case 'POST /_emulator/clock': {
      const input = parseBody(clockSchema, body);
      if (isResponse(input)) return input;
      if (input.speed !== undefined) state.clock.setSpeed(input.speed);
      if (input.advanceMs !== undefined) state.clock.advance(input.advanceMs);
      return json(200, clockView(state));
    }
    case 'GET /_emulator/faults':
      return json(200, { faults: state.faults.list() });
    case 'POST /_emulator/faults': {
      const input = parseBody(faultSpecSchema, body);
      if (isResponse(input)) return input;
      const known = state.services.flatMap((svc) => svc.model.operations.map((op) => op.name));
      if (input.operation !== '*' && !known.includes(input.operation)) {
        return problem(
          400,
          `operation: no operation ${JSON.stringify(input.operation)}; use '*' or one of ${known.sort().join(', ')}`,
        );
      }
      return json(201, state.faults.add(input));
    }
    case 'DELETE /_emulator/faults':
      state.faults.clear();
      return json(200, { faults: [] });
    case 'POST /_emulator/scene': {
      const input = parseBody(sceneSchema, body);
      if (isResponse(input)) return input;
      try {
        return json(201, seedScene(state.world, input));
      } catch (err) {
        return problem(404, err instanceof Error ? err.message : String(err));
      }
    }
    case 'GET /_emulator/health':
      return json(200, { ok: true });
    default:
      return problem(
        404,
        `no control route ${route}; see GET /_emulator/calls, /world, /clock, /faults and POST /reset`,
      );
  }
}
