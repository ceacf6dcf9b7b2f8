/**
 * The `postinstall` script: mends, in `node_modules`, what a dependency does that costs the gateway in
 * production and that the version we use has not fixed. Each mend is an exact text replacement in named
 * files: applied once, recognized when already applied, and left alone with a warning when a file no
 * longer holds the text it replaces (a new version of the dependency: review the mend then). It never
 * fails the install, because a missing mend costs speed, never correctness; the unit test
 * `test/unit/dependencyPatches.test.ts` fails when one is not in effect.
 *
 *   node scripts/patch-dependencies.mjs           (npm runs it after `npm ci` and `npm install`)
 *
 * Plain Node and its built-ins only: it runs before anything else is installed, in the image's runtime
 * stage too (`npm ci --omit=dev`).
 *
 * The mends:
 *
 * 1. @apollo/server, `makeGatewayGraphQLRequestContext` (used on every request when a gateway executes,
 *    which is how the gateway's compiled execution plugs in: src/server/jit.ts). It builds each request's
 *    `response.http` as an object literal with its own `status` getter and setter. V8 keeps accessors in
 *    the object's hidden class, so every request gets a new hidden class, allocated in the old generation,
 *    holding that request's closures, and through them the whole request: each young-generation
 *    collection then copies and promotes every request in the last few tens of milliseconds. Measured on
 *    the one-load query at 5,000 requests a second: 615 KB promoted per scavenge and 4.2 ms pauses,
 *    against 100 KB and 2.3 ms for plain Apollo Server (benchmark 2's floor), and a p99 10% above the
 *    floor's. The mend gives `response.http` a class whose `status` accessors live on its prototype and
 *    read and write the same field as before.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const GATEWAY_HTTP_LITERAL = `        http: {
            headers: new FetcherHeadersForHeaderMap(newRequestContext.response.http.headers),
            get status() {
                return newRequestContext.response.http.status;
            },
            set status(newStatus) {
                newRequestContext.response.http.status = newStatus;
            },
        },`;
const GATEWAY_HTTP_CLASS_USE = `        http: new GatewayResponseHTTP(newRequestContext),`;
const GATEWAY_HTTP_CLASS = `
// Mended by Loadgraph's scripts/patch-dependencies.mjs: the accessors live on the prototype, so every
// request's object shares one hidden class (an object literal with its own accessors gets a new one).
class GatewayResponseHTTP {
    #requestContext;
    constructor(requestContext) {
        this.#requestContext = requestContext;
        this.headers = new FetcherHeadersForHeaderMap(requestContext.response.http.headers);
    }
    get status() {
        return this.#requestContext.response.http.status;
    }
    set status(newStatus) {
        this.#requestContext.response.http.status = newStatus;
    }
}
`;

/** The mends, each over the files it changes (paths from the project root). */
export const MENDS = [
  {
    name: "@apollo/server: one hidden class for the gateway request context's response.http",
    files: [
      'node_modules/@apollo/server/dist/esm/utils/makeGatewayGraphQLRequestContext.js',
      'node_modules/@apollo/server/dist/cjs/utils/makeGatewayGraphQLRequestContext.js',
    ],
    /** The file's text mended, or undefined when it does not hold what the mend replaces. */
    apply(text) {
      if (!text.includes(GATEWAY_HTTP_LITERAL)) return undefined;
      return `${text.replace(GATEWAY_HTTP_LITERAL, GATEWAY_HTTP_CLASS_USE)}${GATEWAY_HTTP_CLASS}`;
    },
    isApplied: (text) => text.includes('class GatewayResponseHTTP'),
  },
];

/** Applies every mend under `projectRoot`; returns one line per file saying what happened. */
export function patchDependencies(projectRoot = root) {
  const lines = [];
  for (const mend of MENDS) {
    for (const file of mend.files) {
      let text;
      try {
        text = readFileSync(join(projectRoot, file), 'utf8');
      } catch {
        lines.push({ level: 'warn', text: `${file}: not installed, "${mend.name}" not applied` });
        continue;
      }
      if (mend.isApplied(text)) {
        lines.push({ level: 'info', text: `${file}: already mended` });
        continue;
      }
      const mended = mend.apply(text);
      if (mended === undefined) {
        lines.push({
          level: 'warn',
          text: `${file}: changed since the mend was written, "${mend.name}" not applied (review scripts/patch-dependencies.mjs)`,
        });
        continue;
      }
      writeFileSync(join(projectRoot, file), mended);
      lines.push({ level: 'info', text: `${file}: mended` });
    }
  }
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const line of patchDependencies()) {
      if (line.level === 'warn') process.stderr.write(`patch-dependencies: warning: ${line.text}\n`);
    }
  } catch (err) {
    // Never fail the install: the gateway runs without a mend, only slower.
    process.stderr.write(`patch-dependencies: warning: ${err instanceof Error ? err.message : err}\n`);
  }
}
