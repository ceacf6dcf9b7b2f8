/**
 * The GraphQL IDE: GraphiQL (schema docs and search, history, variables, headers), queries and mutations
 * over HTTP and subscriptions over graphql-ws, on the gateway's own origin. A WebSocket client is made
 * per set of headers, so an API key or token typed in the headers editor reaches subscriptions too.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './ide.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { Kind, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { endpoints, pageConfig } from '../shared/config';
import { connectionParamsOf, headersOf, loadCredentials } from '../shared/credentials';
import { exampleTabs } from './examples';

const config = pageConfig();
const { http, ws } = endpoints(config);
const fetchers = new Map<string, Fetcher>();

/**
 * GraphiQL learns the operation name from the editor 100 ms after a change (a debounce), so a run right
 * after switching tabs would send the previous tab's name and get "Unknown operation named". A name that
 * names no operation of the document is dropped; a document with one operation needs none.
 */
function operationNameIn(query: string, operationName: string | null | undefined): string | undefined {
  if (!operationName) return undefined;
  try {
    const names = parse(query).definitions.flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
    );
    return names.includes(operationName) ? operationName : undefined;
  } catch {
    return operationName; // the gateway says what is wrong with the document
  }
}

const fetcher: Fetcher = (params, options) => {
  params = { ...params, operationName: operationNameIn(params.query, params.operationName) };
  const headers = (options?.headers ?? {}) as Record<string, unknown>;
  const key = JSON.stringify(connectionParamsOf(headers, config.apiKeyHeader));
  let forHeaders = fetchers.get(key);
  if (!forHeaders) {
    const wsClient = createClient({
      url: ws,
      lazy: true,
      connectionParams: () => connectionParamsOf(headers, config.apiKeyHeader),
    });
    forHeaders = createGraphiQLFetcher({ url: http, wsClient });
    fetchers.set(key, forHeaders);
  }
  return forHeaders(params, options);
};

const credentials = headersOf(loadCredentials(), config.apiKeyHeader);
const defaultHeaders = Object.keys(credentials).length
  ? JSON.stringify(credentials, null, 2)
  : config.authRequired
    ? JSON.stringify({ [config.apiKeyHeader]: '<your API key>' }, null, 2)
    : undefined;

// A link may carry an operation (`?query=...&variables=...`, as the board's "Open in the IDE" does).
const linked = new URLSearchParams(location.search);
const linkedQuery = linked.get('query');
const tabs = exampleTabs(config.examples);
if (linkedQuery) tabs.unshift({ query: linkedQuery, variables: linked.get('variables') ?? undefined });

const logo = createElement(
  GraphiQL.Logo,
  null,
  createElement(
    'a',
    { href: '/', className: 'loadgraph-board-link', title: 'The live board of loads' },
    'Loadgraph ▸ board',
  ),
);

createRoot(document.getElementById('ide')!).render(
  createElement(
    GraphiQL,
    {
      fetcher,
      defaultTabs: tabs,
      ...(defaultHeaders ? { defaultHeaders } : {}),
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: true,
    },
    logo,
  ),
);
