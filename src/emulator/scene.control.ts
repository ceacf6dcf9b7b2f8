/**
 * The body of `POST /_emulator/scene` (see world/scene.ts). Internal to the emulator.
 */
import { z } from 'zod';

const common = {
  count: z.number().int().min(1).max(100_000),
  /** Simulated ms each load runs at least. */
  durationMs: z.number().int().min(0),
  /** Simulated ms over which the loads' ends are spread. */
  spreadMs: z.number().int().min(0).optional(),
};

/**
 * Validates and parses the body of `POST /_emulator/scene` (strict: unknown fields are refused) into a
 * `SceneSpec` (world/scene.ts).
 */
export const sceneSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('events'),
      instanceId: z.string(),
      eventType: z.string().optional(),
      outcome: z.enum(['SUCCEEDED', 'FAILED']).optional(),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('executions'),
      instanceId: z.string(),
      flowName: z.string(),
      outcome: z.enum(['SUCCEEDED', 'FAILED']).optional(),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('runs'),
      domainId: z.string(),
      dataSourceId: z.string(),
      outcome: z.enum(['SUCCESS', 'FAILED']).optional(),
      ...common,
    })
    .strict(),
]);
