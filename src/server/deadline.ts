/**
 * The application-level request timeout (REQUEST_TIMEOUT_MS): a deadline flag a request's work checks,
 * the 504 answer when it passes, and a wrapper refusing writes started after it.
 */
import { ErrorCode } from '../errors.js';
import { requestAbandoned } from '../upstream/errors.js';

/** The answer to a request that ran past REQUEST_TIMEOUT_MS (504). */
export function requestTimeoutBody(timeoutMs: number) {
  return {
    errors: [
      {
        message: `The request took longer than ${timeoutMs} ms and was abandoned: ask for less (fewer ids, smaller pages, fewer fields) or retry later.`,
        extensions: { code: ErrorCode.REQUEST_TIMEOUT },
      },
    ],
  };
}

/** Whether a request has run past its deadline: all its work needs of an AbortSignal. */
export type Deadline = Pick<AbortSignal, 'aborted'>;

/**
 * Runs `work` with a {@link Deadline} that passes after `timeoutMs`; resolves to `work`'s result, or to
 * `'timeout'` when the deadline comes first (the work sees it passed and its outcome is ignored). A flag,
 * not an AbortController: nothing listens for the abort, and a controller per request costs more than
 * the rest of the deadline together.
 */
export function withDeadline<T>(
  timeoutMs: number,
  work: (deadline: Deadline) => Promise<T>,
): Promise<T | 'timeout'> {
  // One promise settled by whichever comes first (a race of two promises costs three more per request).
  return new Promise<T | 'timeout'>((resolve, reject) => {
    const state = { aborted: false };
    const timer = setTimeout(() => {
      state.aborted = true;
      resolve('timeout');
    }, timeoutMs);
    let running: Promise<T>;
    try {
      running = work(state);
    } catch (err) {
      clearTimeout(timer);
      return reject(err);
    }
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * `target` with every method call refused once `signal` has fired: a request past its deadline starts no
 * further upstream write. (Its reads stop in its loaders, which get the signal.)
 */
export function abandonable<T extends object>(target: T, signal: Deadline): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        signal.aborted
          ? Promise.reject(requestAbandoned())
          : (value as (...a: unknown[]) => unknown).apply(object, args);
    },
  });
}
