/**
 * What the gateway tells its pages, in a JSON `<script id="loadgraph-config">` it writes into the HTML it
 * serves: where GraphQL is, how credentials travel, and (on the embedded emulator only) ids of its demo
 * world for the example operations.
 */
export interface Examples {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly eventId?: string;
  readonly flowName?: string;
  readonly domainId?: string;
  readonly dataSourceId?: string;
}

export interface PageConfig {
  readonly graphqlPath: string;
  /** The header an API key travels in (`AUTH_API_KEY_HEADER`). */
  readonly apiKeyHeader: string;
  /** Whether the gateway asks for credentials (some `AUTH_MODE` is on). */
  readonly authRequired: boolean;
  /** Present when the gateway runs on its embedded emulator. */
  readonly examples?: Examples;
}

const DEFAULTS: PageConfig = { graphqlPath: '/graphql', apiKeyHeader: 'x-api-key', authRequired: false };

export function pageConfig(): PageConfig {
  const text = document.getElementById('loadgraph-config')?.textContent;
  if (!text) return DEFAULTS;
  try {
    return { ...DEFAULTS, ...(JSON.parse(text) as Partial<PageConfig>) };
  } catch {
    return DEFAULTS;
  }
}

/** The GraphQL endpoint over HTTP and WebSocket, on the origin the page came from. */
export function endpoints(config: PageConfig): { readonly http: string; readonly ws: string } {
  const http = new URL(config.graphqlPath, location.href);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.href, ws: ws.href };
}
