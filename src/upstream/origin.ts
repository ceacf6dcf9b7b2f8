/**
 * What an upstream command is sent for: the request (its scope) that caused the call. Marked on the
 * command by its sender, read by the observer. A leaf: the readers and actions import it without the
 * observer's dependencies. Internal to the upstream layer.
 */

/**
 * Whom an upstream call is made for: the scope of the request or operation that caused it, opaque to this
 * layer (the server layer makes it). Calls made for no request (a poller's, a readiness probe's) have none.
 */
export type CallOrigin = object;

const origins = new WeakMap<object, CallOrigin>();

/**
 * `command`, marked as sent for `origin`: the observer (observe.ts) reports the call with it. The origin
 * is passed down explicitly, not held in an async context: on Node 20 an `AsyncLocalStorage` puts a hook
 * on every promise of the process, which cost the cached one-load query about a fifth of its CPU.
 */
export function sentFor<C extends object>(command: C, origin: CallOrigin | undefined): C {
  if (origin) origins.set(command, origin);
  return command;
}

/** The origin `command` was marked with by {@link sentFor}, if any. */
export function originOf(command: object): CallOrigin | undefined {
  return origins.get(command);
}
