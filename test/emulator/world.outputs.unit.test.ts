/**
 * Every handler output, in every load state, conforms to the model's output shape: required members
 * present, patterns, lengths, ranges and enums respected, no member the model does not declare (the wire
 * layer would silently drop it), and every timestamp a `Date`.
 */
import { describe, expect, it } from 'vitest';
import { SmithyModel, type MemberRef } from '../../src/emulator/protocol/model.js';
import { validate } from '../../src/emulator/protocol/validate.js';
import { createDataZoneHandlers } from '../../src/emulator/services/datazone.js';
import { createSupplyChainHandlers } from '../../src/emulator/services/supplychain.js';
import type { CallContext, Clock, ServiceName } from '../../src/emulator/types.js';
import { createWorld } from '../../src/emulator/world/index.js';

const models = { supplychain: SmithyModel.load('supplychain'), datazone: SmithyModel.load('datazone') };

function typeProblems(model: SmithyModel, ref: MemberRef, value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (value === null) return [`${path} is null`];
  const shape = model.shape(ref.target);
  switch (shape.type) {
    case 'structure':
    case 'union': {
      const members = shape.members ?? {};
      const unknown = Object.keys(value as object).filter((k) => !(k in members));
      return [
        ...unknown.map((k) => `${path}.${k} is not a member of ${ref.target}`),
        ...Object.entries(members).flatMap(([name, m]) =>
          typeProblems(model, m, (value as any)[name], `${path}.${name}`),
        ),
      ];
    }
    case 'list':
      return Array.isArray(value)
        ? value.flatMap((item, i) => typeProblems(model, shape.member!, item, `${path}[${i}]`))
        : [`${path} is not a list`];
    case 'map':
      return Object.entries(value as object).flatMap(([k, v]) =>
        typeProblems(model, shape.value!, v, `${path}.${k}`),
      );
    case 'timestamp':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? [] : [`${path} is not a Date`];
    case 'string':
    case 'enum':
      return typeof value === 'string' ? [] : [`${path} is not a string`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path} is not a boolean`];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path} is not an integer`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path} is not a number`];
    default:
      return [];
  }
}

function harness() {
  let nowMs = Date.UTC(2025, 4, 1, 12);
  const clock: Clock = { now: () => nowMs, advance: (ms) => void (nowMs += ms), setSpeed() {}, speed: 1 };
  const world = createWorld({ seed: 3, clock });
  const seen = new Set<string>();
  const problems: string[] = [];
  const bind = (service: ServiceName) => {
    const handlers =
      service === 'supplychain' ? createSupplyChainHandlers(world) : createDataZoneHandlers(world);
    const model = models[service];
    return (operation: string, input: Record<string, unknown>): Record<string, any> => {
      const op = model.operations.find((o) => o.name === operation)!;
      const ctx: CallContext = {
        service,
        operation,
        requestId: 'r',
        accountId: world.accountId,
        region: world.region,
      };
      const output = handlers[operation]!(input, ctx);
      const ref = { target: op.output };
      problems.push(...validate(model, ref, output, '').map((p) => `${operation}: ${p}`));
      problems.push(...typeProblems(model, ref, output, operation));
      seen.add(`${service}:${operation}`);
      return output;
    };
  };
  return { world, clock, sc: bind('supplychain'), dz: bind('datazone'), seen, problems };
}

describe('handler outputs', () => {
  it('conform to the model for every operation, in every load state', () => {
    const h = harness();
    const summary = h.world.summary();
    const walk = (
      call: (i: Record<string, unknown>) => Record<string, any>,
      key: string,
      input: Record<string, unknown>,
    ) => {
      const all: any[] = [];
      let nextToken: string | undefined;
      do {
        const out = call({ ...input, ...(nextToken ? { nextToken } : {}) });
        all.push(...out[key]);
        nextToken = out['nextToken'];
      } while (nextToken);
      return all;
    };

    for (const step of [0, 30_000, 600_000]) {
      h.clock.advance(step);
      walk((i) => h.sc('ListInstances', i), 'instances', { maxResults: 1 });
      for (const instance of summary.supplychain.instances) {
        const { instanceId } = instance;
        h.sc('GetInstance', { instanceId });
        h.sc('SendDataIntegrationEvent', {
          instanceId,
          eventType: 'scn.data.dataset',
          data: '[{"id":"SKU-9"}]',
          eventGroupId: 'conformance',
          clientToken: `conformance-token-${instanceId}-${step}`,
          datasetTarget: {
            datasetIdentifier: `arn:aws:scn:us-east-1:123456789012:instance/${instanceId}/namespaces/asc/datasets/product`,
            operationType: 'APPEND',
          },
        });
        for (const event of walk((i) => h.sc('ListDataIntegrationEvents', i), 'events', {
          instanceId,
          maxResults: 20,
        }).slice(0, 40)) {
          h.sc('GetDataIntegrationEvent', { instanceId, eventId: event.eventId });
        }
        for (const ns of walk((i) => h.sc('ListDataLakeNamespaces', i), 'namespaces', { instanceId })) {
          h.sc('GetDataLakeNamespace', { instanceId, name: ns.name });
          for (const ds of walk((i) => h.sc('ListDataLakeDatasets', i), 'datasets', {
            instanceId,
            namespace: ns.name,
            maxResults: 3,
          })) {
            h.sc('GetDataLakeDataset', { instanceId, namespace: ns.name, name: ds.name });
          }
        }
        for (const flow of walk((i) => h.sc('ListDataIntegrationFlows', i), 'flows', {
          instanceId,
          maxResults: 2,
        })) {
          h.sc('GetDataIntegrationFlow', { instanceId, name: flow.name });
          const executions = walk((i) => h.sc('ListDataIntegrationFlowExecutions', i), 'flowExecutions', {
            instanceId,
            flowName: flow.name,
            maxResults: 20,
          });
          for (const x of executions.slice(0, 10))
            h.sc('GetDataIntegrationFlowExecution', {
              instanceId,
              flowName: flow.name,
              executionId: x.executionId,
            });
        }
      }

      walk((i) => h.dz('ListDomains', i), 'items', { maxResults: 1 });
      for (const domain of summary.datazone.domains) {
        const domainIdentifier = domain.domainId;
        h.dz('GetDomain', { identifier: domainIdentifier });
        walk((i) => h.dz('ListProjects', i), 'items', { domainIdentifier, maxResults: 1 });
        for (const project of domain.projects)
          walk((i) => h.dz('ListDataSources', i), 'items', {
            domainIdentifier,
            projectIdentifier: project.id,
          });
        for (const ds of domain.dataSources) {
          h.dz('GetDataSource', { domainIdentifier, identifier: ds.id });
          h.dz('StartDataSourceRun', {
            domainIdentifier,
            dataSourceIdentifier: ds.id,
            clientToken: `t-${ds.id}-${step}`,
          });
          for (const run of walk((i) => h.dz('ListDataSourceRuns', i), 'items', {
            domainIdentifier,
            dataSourceIdentifier: ds.id,
            maxResults: 25,
          })) {
            h.dz('GetDataSourceRun', { domainIdentifier, identifier: run.id });
            walk((i) => h.dz('ListDataSourceRunActivities', i), 'items', {
              domainIdentifier,
              identifier: run.id,
              maxResults: 3,
            });
          }
        }
      }
    }

    expect(h.problems.slice(0, 20)).toEqual([]);
    const all = [
      ...models.supplychain.operations.map((o) => `supplychain:${o.name}`),
      ...models.datazone.operations.map((o) => `datazone:${o.name}`),
    ];
    expect([...h.seen].sort()).toEqual(all.sort());
  });
});
