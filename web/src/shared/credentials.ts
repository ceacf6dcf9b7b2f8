/**
 * The caller's credentials, kept in this browser's localStorage: an API key or a bearer token (a JWT). Sent
 * as the gateway expects them: over HTTP in the API key header or `Authorization`, over WebSocket in the
 * connection parameters (`apiKey` or `authorization`).
 */
export type Credentials = { readonly kind: 'apiKey' | 'bearer'; readonly value: string };

const STORAGE_KEY = 'loadgraph.credentials';

export function loadCredentials(): Credentials | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Credentials | null;
    return value && (value.kind === 'apiKey' || value.kind === 'bearer') && typeof value.value === 'string'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredentials(credentials: Credentials | undefined): void {
  if (credentials?.value) localStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  else localStorage.removeItem(STORAGE_KEY);
}

export function headersOf(
  credentials: Credentials | undefined,
  apiKeyHeader: string,
): Record<string, string> {
  if (!credentials?.value) return {};
  return credentials.kind === 'apiKey'
    ? { [apiKeyHeader]: credentials.value }
    : { authorization: `Bearer ${credentials.value.replace(/^Bearer\s+/i, '')}` };
}

/** WebSocket connection parameters from HTTP headers (as typed in the IDE's headers editor). */
export function connectionParamsOf(
  headers: Readonly<Record<string, unknown>>,
  apiKeyHeader: string,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    const lower = name.toLowerCase();
    if (lower === 'authorization') params['authorization'] = value;
    else if (lower === apiKeyHeader.toLowerCase()) params['apiKey'] = value;
  }
  return params;
}
