/** Helpers the graph e2e tests share: compare graph values with raw AWS outputs. */

/** A graph value with null members dropped, to compare with an AWS output (which omits them). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/** An AWS output as the graph renders it: Dates as ISO strings, no `$metadata`, no undefined members. */
export function wire(value: unknown): any {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(wire);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => v !== undefined && k !== '$metadata')
      .map(([k, v]) => [k, wire(v)]),
  );
}

/** Splits a Load into its interface fields and its AWS fields (the rest). */
export function splitLoad(node: any): { load: any; aws: any } {
  const { id, kind, status, upstreamStatus, terminal, startedAt, finishedAt, message, ...aws } = node;
  return { load: { id, kind, status, upstreamStatus, terminal, startedAt, finishedAt, message }, aws };
}
