/**
 * SigV4 is the service's only auth scheme: every operation signs in the client's region. The signer
 * takes the service name from `defaultSigningName` (`scn`, set in endpoint/EndpointParameters.ts); the
 * `name` signing property below mirrors the official provider and is not what the signer reads.
 */
import {
  resolveAwsSdkSigV4Config,
  type AwsSdkSigV4AuthInputConfig,
  type AwsSdkSigV4AuthResolvedConfig,
  type AwsSdkSigV4PreviouslyResolved,
} from '@aws-sdk/core/httpAuthSchemes';
import { getSmithyContext, normalizeProvider } from '@smithy/core/client';
import type {
  HandlerExecutionContext,
  HttpAuthOption,
  HttpAuthScheme,
  HttpAuthSchemeParameters,
  HttpAuthSchemeParametersProvider,
  HttpAuthSchemeProvider,
  Provider,
} from '@smithy/types';
import type { SupplyChainClientResolvedConfig } from '../SupplyChainClient.js';

/** What the auth scheme provider chooses on: the operation name and the client's resolved region. */
export interface SupplyChainHttpAuthSchemeParameters extends HttpAuthSchemeParameters {
  region?: string;
}

/**
 * Builds `SupplyChainHttpAuthSchemeParameters` for each request from the resolved client config and the
 * handler execution context; the client passes the default one to the auth scheme plugin.
 */
export interface SupplyChainHttpAuthSchemeParametersProvider extends HttpAuthSchemeParametersProvider<
  SupplyChainClientResolvedConfig,
  HandlerExecutionContext,
  SupplyChainHttpAuthSchemeParameters,
  object
> {}

/** Throws when no region is configured: SigV4 cannot sign without one. */
export const defaultSupplyChainHttpAuthSchemeParametersProvider: SupplyChainHttpAuthSchemeParametersProvider =
  async (config, context) => {
    const region = await normalizeProvider(config.region)();
    if (!region) throw new Error('expected `region` to be configured for `aws.auth#sigv4`');
    return { operation: getSmithyContext(context)['operation'] as string, region };
  };

/** Maps auth scheme parameters to the auth options to try, in order of preference. */
export interface SupplyChainHttpAuthSchemeProvider extends HttpAuthSchemeProvider<SupplyChainHttpAuthSchemeParameters> {}

/**
 * The default auth scheme provider (`httpAuthSchemeProvider` defaults to it): every operation gets the
 * single option `aws.auth#sigv4`, signing in the parameters' region.
 */
export const defaultSupplyChainHttpAuthSchemeProvider: SupplyChainHttpAuthSchemeProvider = (
  authParameters,
) => [
  {
    schemeId: 'aws.auth#sigv4',
    signingProperties: { name: 'scn', region: authParameters.region },
    propertiesExtractor: (config, context) => ({ signingProperties: { config, context } }),
  } satisfies HttpAuthOption,
];

/**
 * The auth settings the client constructor accepts, on top of the SigV4 ones (`credentials`, `signer`,
 * ...): an auth scheme preference (by scheme id; defaults to none), the auth schemes available (defaults
 * to SigV4 in `runtimeConfig.ts`) and the provider choosing among them.
 */
export interface HttpAuthSchemeInputConfig extends AwsSdkSigV4AuthInputConfig {
  authSchemePreference?: string[] | Provider<string[]>;
  httpAuthSchemes?: HttpAuthScheme[];
  httpAuthSchemeProvider?: SupplyChainHttpAuthSchemeProvider;
}

/** The auth settings after `resolveHttpAuthSchemeConfig`: the preference as a provider, the rest as set. */
export interface HttpAuthSchemeResolvedConfig extends AwsSdkSigV4AuthResolvedConfig {
  readonly authSchemePreference: Provider<string[]>;
  readonly httpAuthSchemes: HttpAuthScheme[];
  readonly httpAuthSchemeProvider: SupplyChainHttpAuthSchemeProvider;
}

/**
 * Resolves the SigV4 config (credentials and signer; see `resolveAwsSdkSigV4Config`) and turns
 * `authSchemePreference` into a provider, an empty list when unset. The last resolver the client runs
 * before its runtime extensions.
 */
export const resolveHttpAuthSchemeConfig = <T>(
  config: T & HttpAuthSchemeInputConfig & AwsSdkSigV4PreviouslyResolved,
): T & HttpAuthSchemeResolvedConfig =>
  Object.assign(resolveAwsSdkSigV4Config(config), {
    authSchemePreference: normalizeProvider(config.authSchemePreference ?? []),
  }) as T & HttpAuthSchemeResolvedConfig;
