/**
 * The endpoint ruleset's parameters (Region, UseFIPS, UseDualStack, Endpoint) and where each comes from
 * in the client config, as the official package declares them.
 */
import type {
  Endpoint,
  EndpointParameters as __EndpointParameters,
  EndpointV2,
  Provider,
} from '@smithy/types';

/**
 * The client config fields the endpoint ruleset reads: region, FIPS, dual-stack and a custom `endpoint`,
 * each a value or a provider of one.
 */
export interface ClientInputEndpointParameters {
  region?: string | undefined | Provider<string | undefined>;
  useDualstackEndpoint?: boolean | undefined | Provider<boolean | undefined>;
  useFipsEndpoint?: boolean | undefined | Provider<boolean | undefined>;
  endpoint?: string | Provider<string> | Endpoint | Provider<Endpoint> | EndpointV2 | Provider<EndpointV2>;
}

/**
 * The endpoint parameters after `resolveClientEndpointParameters`, plus the SigV4 signing name; the
 * `endpoint` itself is resolved separately by `resolveEndpointConfig`.
 */
export type ClientResolvedEndpointParameters = Omit<ClientInputEndpointParameters, 'endpoint'> & {
  defaultSigningName: string;
};

/** Defaults FIPS and dual-stack to off and records the SigV4 signing name `scn`. */
export const resolveClientEndpointParameters = <T>(
  options: T & ClientInputEndpointParameters,
): T & ClientResolvedEndpointParameters =>
  Object.assign(options, {
    useDualstackEndpoint: options.useDualstackEndpoint ?? false,
    useFipsEndpoint: options.useFipsEndpoint ?? false,
    defaultSigningName: 'scn',
  });

/** Each command's endpoint parameter instructions: every parameter is an SDK built-in. */
export const commonParams = {
  UseFIPS: { type: 'builtInParams', name: 'useFipsEndpoint' },
  Endpoint: { type: 'builtInParams', name: 'endpoint' },
  Region: { type: 'builtInParams', name: 'region' },
  UseDualStack: { type: 'builtInParams', name: 'useDualstackEndpoint' },
} as const;

/**
 * The parameters the endpoint ruleset is evaluated with for each request, filled from the client config
 * as `commonParams` directs.
 */
export interface EndpointParameters extends __EndpointParameters {
  Region?: string | undefined;
  UseDualStack?: boolean | undefined;
  UseFIPS?: boolean | undefined;
  Endpoint?: string | undefined;
}
