/**
 * Schema assembly: resolver maps are composed explicitly and a field defined by two areas is a start-up
 * error, and the executable schema builds with a resolver wherever a default would be wrong.
 */
import type { GraphQLInterfaceType, GraphQLNamedType, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeResolvers, createSchema, resolvers } from '../../src/graph/schema.js';

const resolve = () => null;

/*
 * The schema is built by @graphql-tools, which Node loads with graphql's CommonJS build, while vitest
 * resolves this file's `graphql` import to the ESM build: `isObjectType` & co. from here would throw
 * "from another module or realm". So kinds are read from the SDL AST, which is realm-free.
 */
const kindOf = (type: GraphQLNamedType | undefined | null): string | undefined => type?.astNode?.kind;
const isObject = (t: GraphQLNamedType | undefined | null): t is GraphQLObjectType =>
  kindOf(t) === 'ObjectTypeDefinition';
const isAbstract = (t: GraphQLNamedType | undefined | null): boolean =>
  kindOf(t) === 'InterfaceTypeDefinition' || kindOf(t) === 'UnionTypeDefinition';

describe('composeResolvers', () => {
  it('merges the fields of one type from several maps', () => {
    const a = () => 'a';
    const b = () => 'b';
    expect(composeResolvers({ Query: { a } }, { Query: { b } }, { Mutation: { a } })).toEqual({
      Query: { a, b },
      Mutation: { a },
    });
  });

  it('throws when two maps define the same Type.field, naming it', () => {
    expect(() => composeResolvers({ Query: { loads: resolve } }, { Query: { loads: resolve } })).toThrow(
      'resolver Query.loads is defined by two areas',
    );
  });

  it('throws for a duplicate field even when the maps agree on the resolver', () => {
    expect(() =>
      composeResolvers(
        { FlowExecution: { status: resolve, id: resolve } },
        { FlowExecution: { status: resolve } },
      ),
    ).toThrow(/FlowExecution\.status/);
  });

  it('throws when a scalar is defined twice', () => {
    expect(() => composeResolvers({ DateTime: DateTimeResolver }, { DateTime: DateTimeResolver })).toThrow(
      'resolver for DateTime defined twice',
    );
  });

  it('keeps a scalar as the scalar instance', () => {
    const out = composeResolvers({ DateTime: DateTimeResolver, JSON: JSONResolver });
    expect(out['DateTime']).toBe(DateTimeResolver);
    expect(out['JSON']).toBe(JSONResolver);
  });

  it('does not take a field named like an Object.prototype member for a duplicate', () => {
    const toString = () => 'text';
    expect(composeResolvers({ Report: { toString } })).toEqual({ Report: { toString } });
  });

  it('leaves the input maps untouched', () => {
    const a = { Query: { a: resolve } };
    composeResolvers(a, { Query: { b: resolve } });
    expect(a).toEqual({ Query: { a: resolve } });
  });
});

describe('createSchema', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = createSchema();
  });

  it('builds the executable schema with Query and Mutation roots', () => {
    expect(schema.getQueryType()?.name).toBe('Query');
    expect(schema.getMutationType()?.name).toBe('Mutation');
  });

  it.each(['Query', 'Mutation'])(
    'has a resolver for every %s field (a root default would return null)',
    (root) => {
      const type = root === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
      const missing = Object.values(type.getFields())
        .filter((f) => typeof f.resolve !== 'function')
        .map((f) => f.name);
      expect(missing).toEqual([]);
      expect(Object.keys(type.getFields()).length).toBeGreaterThan(0);
    },
  );

  it('resolves the type of every interface and union', () => {
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isAbstract(type))
        expect(typeof (type as GraphQLInterfaceType).resolveType, type.name).toBe('function');
    }
  });

  it('derives every Load field of each load kind with a resolver, never the raw upstream member', () => {
    const load = schema.getType('Load') as GraphQLInterfaceType;
    expect(kindOf(load)).toBe('InterfaceTypeDefinition');
    const kinds = schema.getPossibleTypes(load);
    expect(kinds.map((k) => k.name).sort()).toEqual([
      'DataIntegrationEvent',
      'DataSourceRun',
      'FlowExecution',
    ]);
    const loadFields = Object.keys(load.getFields());
    expect(loadFields).toEqual(expect.arrayContaining(['id', 'kind', 'status', 'terminal']));
    for (const kind of kinds) {
      const fields = kind.getFields();
      const missing = loadFields.filter((f) => typeof fields[f]?.resolve !== 'function');
      expect(missing, kind.name).toEqual([]);
    }
  });

  it('uses the graphql-scalars DateTime and JSON', () => {
    const dateTime = schema.getType('DateTime') as { serialize(v: unknown): unknown };
    expect(dateTime.serialize(new Date(0))).toEqual(DateTimeResolver.serialize(new Date(0)));
    const json = schema.getType('JSON') as { parseValue(v: unknown): unknown };
    expect(json.parseValue({ a: [1] })).toEqual({ a: [1] });
  });

  it('only has resolvers for types the SDL declares', () => {
    for (const typeName of Object.keys(resolvers)) expect(schema.getType(typeName), typeName).toBeDefined();
  });

  it('every object type resolver names a field of that type', () => {
    for (const [typeName, fields] of Object.entries(resolvers)) {
      const type = schema.getType(typeName);
      if (!isObject(type)) continue;
      for (const field of Object.keys(fields as object)) {
        if (field.startsWith('__')) continue;
        expect(type.getFields()[field], `${typeName}.${field}`).toBeDefined();
      }
    }
  });
});
