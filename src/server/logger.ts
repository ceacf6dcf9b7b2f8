/**
 * The process logger: structured JSON (pino) on stderr, so stdout carries only the URLs a script reads.
 * Its shape fits both Apollo's logger interface and the emulator's.
 */
import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

export type AppLogger = Logger;

export function createLogger(config: Pick<Config, 'log'>): AppLogger {
  return pino({ level: config.log.level, base: { service: 'loadgraph' } }, pino.destination(2));
}
