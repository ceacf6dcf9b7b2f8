/**
 * The process logger: structured JSON (pino) on stderr, so stdout carries only the URLs a script reads.
 * Its shape fits both Apollo's logger interface and the emulator's.
 */
import { format } from 'node:util';
import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

/** The gateway's structured logger (pino), JSON lines on stderr. */
export type AppLogger = Logger;

/**
 * The root logger: `config.log.level`, every line tagged `service: loadgraph`, written to stderr so stdout
 * stays free for command output.
 */
export function createLogger(config: Pick<Config, 'log'>): AppLogger {
  return pino({ level: config.log.level, base: { service: 'loadgraph' } }, pino.destination(2));
}

/**
 * Sends what the process would otherwise print on its own through `logger`, one JSON object a line:
 * Node's process warnings (the AWS SDK's Node version notice is one, nine lines of text by default) and
 * anything a library writes with `console` (graphql-ws reports socket errors with `console.error` and a
 * stack). Errors of the `ws` library that a peer caused (`WS_ERR_*`: an oversized message, a bad frame)
 * are client mistakes: logged at info, without a stack. For the process entry only: it replaces global
 * behaviour.
 */
export function routeProcessOutput(logger: AppLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    const code = (warning as Error & { code?: string }).code;
    logger.warn(
      { warning: { name: warning.name, ...(code ? { code } : {}) } },
      // A warning emitted as plain text is named `Warning`; its text then starts with its own name.
      `${warning.name === 'Warning' ? '' : `${warning.name}: `}${warning.message.replace(/\s+/g, ' ').trim()}`,
    );
  });
  const log =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (...args: unknown[]): void => {
      const err = args.find((a): a is Error => a instanceof Error);
      const rest = args.filter((a) => a !== err);
      const text = format(...rest)
        .replace(/\s+/g, ' ')
        .trim();
      const code = (err as (Error & { code?: unknown }) | undefined)?.code;
      if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
        logger.info({ source: 'console', code }, `websocket client broke the protocol: ${err!.message}`);
        return;
      }
      logger[level]({ source: 'console', ...(err ? { err } : {}) }, text || (err?.message ?? ''));
    };
  /* eslint-disable no-console -- replacing the console's methods is the point: nothing here prints */
  console.error = log('error');
  console.warn = log('warn');
  console.log = log('info');
  console.info = log('info');
  console.debug = log('debug');
  /* eslint-enable no-console */
}
