/**
 * The SDK's user agent middleware (`userAgentMiddleware` of @aws-sdk/core/client), its answer kept while
 * its inputs stay the same. For every call the stock middleware asks the default user agent provider
 * for its sections anew, escapes each with regular expressions, reads the credentials and retry mode
 * into the call's feature flags, and joins it all into the `user-agent` and `x-amz-user-agent` headers:
 * the same two strings call after call. Here the stock middleware runs on the first call and again
 * whenever what it reads may have changed, and otherwise the two headers it set last are set again:
 * - the identity the call is signed with (its `$source` feature flags);
 * - the feature flags already set on the call's context, and the `userAgent` pairs there;
 * - the endpoint's host name (an account-id endpoint is a feature flag);
 * - the user agent prefix of the partition (`getUserAgentPrefix`);
 * - a request that already carries either header (the stock middleware appends to it) always runs it.
 * The default user agent provider, `customUserAgent` and the app id are the client's, resolved once.
 * Internal to the upstream layer.
 */
import { getUserAgentMiddlewareOptions, getUserAgentPrefix, userAgentMiddleware } from '@aws-sdk/core/client';
import { HttpRequest } from '@smithy/core/protocols';
import type { Pluggable } from '@smithy/types';

const USER_AGENT = 'user-agent';
const X_AMZ_USER_AGENT = 'x-amz-user-agent';

interface UserAgentContext {
  userAgent?: unknown[];
  endpointV2?: { url?: { hostname?: string } };
  __smithy_context?: { features?: Record<string, string>; selectedHttpAuthScheme?: { identity?: unknown } };
  __aws_sdk_context?: { features?: Record<string, string> };
}

/** The feature flags of a context and its user agent pairs, as one string. */
function inputsOf(context: UserAgentContext): string {
  let key = `${getUserAgentPrefix() ?? ''}|${context.endpointV2?.url?.hostname}`;
  for (const features of [context.__smithy_context?.features, context.__aws_sdk_context?.features]) {
    key += '|';
    for (const name in features) key += `${name}=${features[name]},`;
  }
  for (const pair of context.userAgent ?? []) key += `|${String(pair)}`;
  return key;
}

/**
 * The user agent plugin of a client (see the module comment), over its resolved `config`: it replaces the
 * client's own user agent middleware (same name, step and priority). Use it before the first call.
 */
export function getMemoUserAgentPlugin(
  config: Parameters<typeof userAgentMiddleware>[0],
): Pluggable<any, any> {
  const stock = userAgentMiddleware(config);
  return {
    applyToStack(stack) {
      stack.add(
        (next, context: UserAgentContext) => {
          let last:
            { identity: unknown; inputs: string; userAgent?: string; xAmzUserAgent?: string } | undefined;
          const remember = stock(async (args: any) => {
            if (!HttpRequest.isInstance(args.request)) return next(args);
            const headers = args.request.headers;
            last = {
              identity: context.__smithy_context?.selectedHttpAuthScheme?.identity,
              inputs: inputsOf(context),
              userAgent: headers[USER_AGENT],
              xAmzUserAgent: headers[X_AMZ_USER_AGENT],
            };
            return next(args);
          }, context as never);
          return async (args: any) => {
            const request = args.request;
            if (
              last &&
              HttpRequest.isInstance(request) &&
              request.headers[USER_AGENT] === undefined &&
              request.headers[X_AMZ_USER_AGENT] === undefined &&
              last.identity === context.__smithy_context?.selectedHttpAuthScheme?.identity &&
              last.inputs === inputsOf(context)
            ) {
              if (last.xAmzUserAgent !== undefined) request.headers[X_AMZ_USER_AGENT] = last.xAmzUserAgent;
              if (last.userAgent !== undefined) request.headers[USER_AGENT] = last.userAgent;
              return next(args);
            }
            last = undefined;
            return remember(args);
          };
        },
        { ...getUserAgentMiddlewareOptions },
      );
    },
  };
}
