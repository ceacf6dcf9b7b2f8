/**
 * A scene of many running loads at once, for load tests and benchmarks: N events, flow executions or
 * data source runs under one parent, created directly in the world (no SendDataIntegrationEvent or
 * StartDataSourceRun per load). Every load starts now and runs for `durationMs`, plus an even share of
 * `spreadMs` (load i of N ends `i/N × spreadMs` later), so they finish one after another; with the clock's
 * speed at 0 they stay running until the clock is advanced. Unlike loads started through the API, a
 * scene's runs of one data source all run at once, and its events are not queued behind each other.
 *
 * Internal to the emulator.
 */
import { AwsError } from '../types.js';
import { planRun } from './datazone.runs.js';
import type { TerminalLoadStatus } from './records.js';
import { planExecution } from './supplychain.loads.js';
import type { World } from './world.js';

/**
 * What scene to create (see the module): how many loads of which kind under which parent, how long they run
 * (ms) and how they end (default: SUCCEEDED).
 */
export type SceneSpec =
  | {
      readonly kind: 'events';
      readonly instanceId: string;
      /** Default `scn.data.dataset`. */
      readonly eventType?: string | undefined;
      readonly count: number;
      readonly durationMs: number;
      readonly spreadMs?: number | undefined;
      readonly outcome?: TerminalLoadStatus | undefined;
    }
  | {
      readonly kind: 'executions';
      readonly instanceId: string;
      readonly flowName: string;
      readonly count: number;
      readonly durationMs: number;
      readonly spreadMs?: number | undefined;
      readonly outcome?: TerminalLoadStatus | undefined;
    }
  | {
      readonly kind: 'runs';
      readonly domainId: string;
      readonly dataSourceId: string;
      readonly count: number;
      readonly durationMs: number;
      readonly spreadMs?: number | undefined;
      readonly outcome?: 'SUCCESS' | 'FAILED' | undefined;
    };

const notFound = (message: string): never => {
  throw new AwsError('ResourceNotFoundException', message);
};

/**
 * Creates the scene's loads; returns their ids (event, execution or run ids) in creation order, and the
 * simulated time (epoch ms) at which each ends.
 */
export function seedScene(world: World, spec: SceneSpec): { ids: string[]; endsAtMs: number[] } {
  const ids = seedLoads(world, spec);
  const nowMs = world.clock.now();
  return { ids, endsAtMs: ids.map((_, i) => endOf(spec, nowMs, i)) };
}

function endOf(spec: SceneSpec, nowMs: number, i: number): number {
  return nowMs + spec.durationMs + Math.round(((spec.spreadMs ?? 0) * i) / spec.count);
}

function seedLoads(world: World, spec: SceneSpec): string[] {
  const nowMs = world.clock.now();
  const ids: string[] = [];
  switch (spec.kind) {
    case 'events': {
      const instance =
        world.instances.get(spec.instanceId) ?? notFound(`Instance ${spec.instanceId} not found`);
      const dataset =
        [...instance.namespaces.values()].flatMap((ns) => [...ns.datasets.values()])[0] ??
        notFound(`Instance ${spec.instanceId} has no dataset to load`);
      for (let i = 0; i < spec.count; i++) {
        let eventId = world.ids.uuid();
        while (instance.events.has(eventId)) eventId = world.ids.uuid();
        instance.events.set(eventId, {
          instanceId: instance.instanceId,
          eventId,
          eventType: spec.eventType ?? 'scn.data.dataset',
          eventGroupId: `scene-${eventId}`,
          eventTimestampMs: nowMs,
          receivedMs: nowMs,
          datasetTarget: { datasetIdentifier: dataset.arn, operationType: 'APPEND' },
          load: { startMs: nowMs, endMs: endOf(spec, nowMs, i), outcome: spec.outcome ?? 'SUCCEEDED' },
        });
        ids.push(eventId);
      }
      return ids;
    }
    case 'executions': {
      const instance =
        world.instances.get(spec.instanceId) ?? notFound(`Instance ${spec.instanceId} not found`);
      const flow = instance.flows.get(spec.flowName) ?? notFound(`Flow ${spec.flowName} not found`);
      for (let i = 0; i < spec.count; i++) {
        let executionId = world.ids.uuid();
        while (instance.executions.has(executionId)) executionId = world.ids.uuid();
        const plan = planExecution(world.seed, world.timing, flow, executionId, nowMs, (arn) => arn);
        instance.executions.set(executionId, {
          instanceId: instance.instanceId,
          flowName: flow.name,
          executionId,
          startMs: nowMs,
          sourceInfo: plan.sourceInfo,
          endMs: endOf(spec, nowMs, i),
          outcome: spec.outcome ?? 'SUCCEEDED',
          ...(spec.outcome === 'FAILED' ? { message: 'Failed by the scene' } : {}),
        });
        ids.push(executionId);
      }
      return ids;
    }
    case 'runs': {
      const domain = world.domains.get(spec.domainId) ?? notFound(`Domain ${spec.domainId} not found`);
      const dataSource =
        domain.dataSources.get(spec.dataSourceId) ?? notFound(`Data source ${spec.dataSourceId} not found`);
      for (let i = 0; i < spec.count; i++) {
        let id = world.ids.shortId(14);
        while (domain.runs.has(id)) id = world.ids.shortId(14);
        const plan = planRun({
          seed: world.seed,
          timing: world.timing,
          domain,
          dataSource,
          id,
          type: 'PRIORITIZED',
          createdMs: nowMs,
          requestedMs: 0,
        });
        // Running from now (not queued behind the data source's other runs); activities over the run.
        const stopMs = endOf(spec, nowMs, i);
        const span = Math.max(1, plan.stopMs - plan.startMs);
        const at = (ms: number): number =>
          nowMs + Math.round(((ms - plan.startMs) / span) * (stopMs - nowMs));
        const outcome = spec.outcome ?? 'SUCCESS';
        const { errorMessage, ...rest } = plan;
        domain.runs.set(id, {
          ...rest,
          startMs: nowMs,
          stopMs,
          outcome,
          activities: plan.activities.map((a) => ({ ...a, atMs: at(a.atMs) })),
          ...(outcome === 'FAILED' && errorMessage ? { errorMessage } : {}),
        });
        ids.push(id);
      }
      return ids;
    }
  }
}
