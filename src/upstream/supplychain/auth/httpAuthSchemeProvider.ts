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

export interface SupplyChainHttpAuthSchemeParameters extends HttpAuthSchemeParameters {
  region?: string;
}

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

export interface SupplyChainHttpAuthSchemeProvider extends HttpAuthSchemeProvider<SupplyChainHttpAuthSchemeParameters> {}

export const defaultSupplyChainHttpAuthSchemeProvider: SupplyChainHttpAuthSchemeProvider = (
  authParameters,
) => [
  {
    schemeId: 'aws.auth#sigv4',
    signingProperties: { name: 'scn', region: authParameters.region },
    propertiesExtractor: (config, context) => ({ signingProperties: { config, context } }),
  } satisfies HttpAuthOption,
];

export interface HttpAuthSchemeInputConfig extends AwsSdkSigV4AuthInputConfig {
  authSchemePreference?: string[] | Provider<string[]>;
  httpAuthSchemes?: HttpAuthScheme[];
  httpAuthSchemeProvider?: SupplyChainHttpAuthSchemeProvider;
}

export interface HttpAuthSchemeResolvedConfig extends AwsSdkSigV4AuthResolvedConfig {
  readonly authSchemePreference: Provider<string[]>;
  readonly httpAuthSchemes: HttpAuthScheme[];
  readonly httpAuthSchemeProvider: SupplyChainHttpAuthSchemeProvider;
}

export const resolveHttpAuthSchemeConfig = <T>(
  config: T & HttpAuthSchemeInputConfig & AwsSdkSigV4PreviouslyResolved,
): T & HttpAuthSchemeResolvedConfig =>
  Object.assign(resolveAwsSdkSigV4Config(config), {
    authSchemePreference: normalizeProvider(config.authSchemePreference ?? []),
  }) as T & HttpAuthSchemeResolvedConfig;
