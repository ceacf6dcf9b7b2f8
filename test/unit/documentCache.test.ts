/**
 * The per-transport document cache: one parse and one validation per distinct query text, answers equal
 * to parsing and validating afresh, failures never kept.
 */
import { buildSchema, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createDocumentCache } from '../../src/server/documentCache.js';

const schema = buildSchema('type Query { a: Int b: String }');

describe('createDocumentCache', () => {
  it('parses a query text once and answers later parses with the same document, equal to a fresh parse', () => {
    const cache = createDocumentCache();
    const first = cache.parse('{ a }');
    expect(cache.parse('{ a }')).toBe(first);
    expect(first).toEqual(parse('{ a }'));
    expect(cache.parse('{ b }')).not.toBe(first);
  });

  it('validates a cached document once per schema, with the errors a fresh validation gives', () => {
    const cache = createDocumentCache();
    let runs = 0;
    const validator = cache.validated((s: GraphQLSchema, d: DocumentNode) => {
      runs++;
      return validate(s, d, specifiedRules);
    });
    const bad = cache.parse('{ nope }');
    const errors = validator(schema, bad);
    expect(validator(schema, bad)).toBe(errors);
    expect(errors.map((e) => e.message)).toEqual(validate(schema, parse('{ nope }')).map((e) => e.message));
    expect(runs).toBe(1);
    expect(validator(buildSchema('type Query { nope: Int }'), bad)).toEqual([]);
    expect(runs).toBe(2);
  });

  it('keeps no syntax error and no document past its bounds', () => {
    const cache = createDocumentCache({ maxDocuments: 1, maxQueryChars: 10 });
    expect(() => cache.parse('{ a ')).toThrow(/Syntax Error/);
    const long = '{ a b a b }';
    expect(cache.parse(long)).not.toBe(cache.parse(long));
    const a = cache.parse('{ a }');
    cache.parse('{ b }');
    expect(cache.parse('{ a }')).not.toBe(a);
  });
});
