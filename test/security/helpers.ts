/**
 * Helpers of the security tests: GraphQL over HTTP with credentials, and the API keys of three
 * principals over two Supply Chain instances and two DataZone domains of the emulator's world.
 */
import type { TestGateway } from '../helpers/gateway.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** POSTs a GraphQL operation with `headers`; never throws on GraphQL or HTTP errors. */
export async function post(
  gw: TestGateway,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export const KEYS = {
  /** loads:read and events:send, on instance A and domain D1 only. */
  mine: 'key-mine-0123456789abcdef',
  /** loads:read everywhere. */
  reader: 'key-reader-0123456789abcdef',
  /** events:send only, on instance A and domain D1. */
  sender: 'key-sender-0123456789abcdef',
} as const;

export const apiKey = (key: string): Record<string, string> => ({ 'x-api-key': key });

/** The AUTH_API_KEYS value for the three principals, given instance A and domain D1. */
export function apiKeysJson(instanceA: string, domainD1: string): string {
  return JSON.stringify([
    {
      key: KEYS.mine,
      id: 'mine',
      scopes: ['loads:read', 'events:send'],
      instances: [instanceA],
      domains: [domainD1],
    },
    { key: KEYS.reader, id: 'reader', scopes: ['loads:read'], instances: ['*'], domains: ['*'] },
    { key: KEYS.sender, id: 'sender', scopes: ['events:send'], instances: [instanceA], domains: [domainD1] },
  ]);
}

/** A response's errors without their paths and locations: what must not tell hidden from missing. */
export const shapeOf = (errors: any[] | undefined): any[] =>
  (errors ?? []).map(({ path: _p, locations: _l, ...rest }) => rest);
