/**
 * The JIT executor on a small schema: which operations it compiles and when, and that whatever it does
 * not compile (or cannot) runs on graphql-js with the same answer.
 */
import { buildSchema, execute, getOperationAST, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createJitExecutor } from '../../src/server/jit.js';

const schema = buildSchema(`
  type Query { hello(name: String!): String! items: [Item!]! }
  type Item { id: ID! }
  type Mutation { touch: Int! }
`);
let touched = 0;
schema.getQueryType()!.getFields()['hello']!.resolve = (_r, { name }: { name: string }) => `hello ${name}`;
schema.getQueryType()!.getFields()['items']!.resolve = () => [{ id: '1' }, { id: '2' }];
schema.getMutationType()!.getFields()['touch']!.resolve = () => ++touched;

function run(
  jit: ReturnType<typeof createJitExecutor>,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
) {
  return jit.execute(schema, document, getOperationAST(document) ?? undefined, null, {}, variables);
}

const interpreted = (document: DocumentNode, variables: Record<string, unknown> = {}) =>
  execute({ schema, document, variableValues: variables });

describe('createJitExecutor', () => {
  it('runs a query on graphql-js until it is hot, then compiled, with the same answer', async () => {
    const jit = createJitExecutor({ hotAfter: 2, maxDocuments: 10 });
    const doc = parse('query($n: String!) { hello(name: $n) items { id } }');
    const expected = await interpreted(doc, { n: 'a' });
    for (let i = 0; i < 5; i++) expect(await run(jit, doc, { n: 'a' })).toEqual(expected);
    expect(jit.stats).toEqual({ compiled: 1, compiledRuns: 3, refused: 0 });
  });

  it('never compiles mutations or introspection, nor anything when hotAfter is 0', async () => {
    const jit = createJitExecutor({ hotAfter: 1, maxDocuments: 10 });
    const mutation = parse('mutation { touch }');
    const introspection = parse('{ __schema { queryType { name } } }');
    for (let i = 0; i < 3; i++) {
      await run(jit, mutation);
      expect(await run(jit, introspection)).toEqual(await interpreted(introspection));
    }
    expect(jit.stats.compiled).toBe(0);
    const off = createJitExecutor({ hotAfter: 0, maxDocuments: 10 });
    for (let i = 0; i < 3; i++) await run(off, parse('{ items { id } }'));
    expect(off.stats.compiled).toBe(0);
  });

  it('leaves a document the compiler refuses to graphql-js for good', async () => {
    const jit = createJitExecutor({ hotAfter: 1, maxDocuments: 10 });
    // Not valid against the schema (the gateway validates first): graphql-jit refuses a missing argument.
    const doc = parse('{ hello }');
    for (let i = 0; i < 3; i++) expect(await run(jit, doc)).toEqual(await interpreted(doc));
    expect(jit.stats).toMatchObject({ compiled: 0, refused: 1 });
  });

  it('lets graphql-js word the errors of refused variables, as Apollo expects them', async () => {
    const jit = createJitExecutor({ hotAfter: 1, maxDocuments: 10 });
    const doc = parse('query($n: String!) { hello(name: $n) }');
    await run(jit, doc, { n: 'a' });
    await run(jit, doc, { n: 'a' });
    expect(jit.stats.compiled).toBe(1);
    expect(await run(jit, doc, {})).toEqual(await interpreted(doc, {}));
  });
});
