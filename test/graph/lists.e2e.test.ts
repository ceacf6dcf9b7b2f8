/**
 * The account-wide lists and the way down to a data source: `instances`, `domains`, `Domain.projects` and
 * `Project.dataSources`, over real HTTP against the emulator, with their pages and cursors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let world: any;

beforeAll(async () => {
  gw = await startTestGateway();
  world = await gw.world();
});
afterAll(() => gw?.stop());

describe('instances and domains', () => {
  it('lists every instance and domain of the emulator, in full', async () => {
    const data = await gw.data(`{
      instances(first: 20) { nodes { instanceId instanceName state awsAccountId } pageInfo { hasNextPage } }
      domains(first: 25) { nodes { id name status domainExecutionRole portalUrl } pageInfo { hasNextPage } }
    }`);
    expect(data.instances.nodes.map((i: any) => i.instanceId).sort()).toEqual(
      world.supplychain.instances.map((i: any) => i.instanceId).sort(),
    );
    expect(data.instances.nodes[0].awsAccountId).toMatch(/^\d{12}$/);
    expect(data.domains.nodes.map((d: any) => d.id).sort()).toEqual(
      world.datazone.domains.map((d: any) => d.domainId).sort(),
    );
    // GetDomain's fields, which ListDomains does not return.
    for (const d of data.domains.nodes) expect(d.domainExecutionRole).toMatch(/^arn:aws:iam::/);
  });

  it('pages with first and after', async () => {
    const first = await gw.data(
      `{ instances(first: 1) { nodes { instanceId } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(first.instances.nodes).toHaveLength(1);
    expect(first.instances.pageInfo.hasNextPage).toBe(true);
    const next = await gw.data(
      `query($a: String) { instances(first: 20, after: $a) { nodes { instanceId } } }`,
      {
        a: first.instances.pageInfo.endCursor,
      },
    );
    expect(next.instances.nodes.map((i: any) => i.instanceId)).not.toContain(
      first.instances.nodes[0].instanceId,
    );
    expect(1 + next.instances.nodes.length).toBe(world.supplychain.instances.length);
  });

  it('rejects a page size beyond the AWS limit with BAD_USER_INPUT', async () => {
    const res = await gw.query(`{ domains(first: 26) { nodes { id } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('between 1 and 25');
  });
});

describe('projects and data sources', () => {
  it("lists a domain's projects and each project's data sources, read in full", async () => {
    const domain = world.datazone.domains[0];
    const data = await gw.data(
      `query($d: ID!) { domain(identifier: $d) { projects(first: 10) { nodes { id name domainId
        dataSources(first: 10) { nodes { id name projectId domainId type configuration { __typename } } } } } } }`,
      { d: domain.domainId },
    );
    const projects = data.domain.projects.nodes;
    expect(projects.map((p: any) => p.id).sort()).toEqual(domain.projects.map((p: any) => p.id).sort());
    const sources = projects.flatMap((p: any) =>
      p.dataSources.nodes.map((s: any) => ({ ...s, parent: p.id })),
    );
    expect(sources.map((s: any) => s.id).sort()).toEqual(domain.dataSources.map((s: any) => s.id).sort());
    for (const s of sources) {
      expect(s.projectId).toBe(s.parent);
      expect(s.domainId).toBe(domain.domainId);
      expect(s.configuration).not.toBeNull();
    }
  });
});
