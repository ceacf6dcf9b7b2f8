/**
 * The GraphQL IDE: GraphiQL (schema docs and search, history, variables, headers), queries and mutations
 * over HTTP and subscriptions over graphql-ws, on the gateway's own origin. A WebSocket client is made
 * per set of headers, so an API key or token typed in the headers editor reaches subscriptions too.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './ide.css';
import { createGraphiQLFetcher, type Fetcher, type FetcherOpts, type FetcherParams } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { Kind, parse, type DocumentNode } from 'graphql';
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
 * GraphiQL learns the operation name and the parsed document from the editor 100 ms after a change (a
 * debounce), so a run right after switching tabs would send the previous tab's name ("Unknown operation
 * named") and be routed by the previous tab's document (a subscription sent over HTTP). Both are taken from
 * the query sent instead: its document, and the given name if it names one of its operations, else the
 * name of its only operation.
 */
function current(params: FetcherParams, options: FetcherOpts | undefined): [FetcherParams, FetcherOpts] {
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return [params, options ?? {}]; // the gateway says what is wrong with the document
  }
  const names = document.definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : [],
  );
  const operationName =
    params.operationName && names.includes(params.operationName)
      ? params.operationName
      : names.length === 1
        ? names[0]
        : undefined;
  return [
    { ...params, operationName },
    { ...options, documentAST: document },
  ];
}

const fetcher: Fetcher = (sent, sentOptions) => {
  const [params, options] = current(sent, sentOptions);
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
