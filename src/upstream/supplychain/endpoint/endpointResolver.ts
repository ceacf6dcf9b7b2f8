/**
 * Resolves an endpoint by evaluating the service's official ruleset (generated from the model) with the
 * runtime's rules engine, with the `aws.partition` / `aws.parseArn` functions registered. The official
 * package evaluates a compiled decision diagram of the same rules; the results are the same.
 */
import { awsEndpointFunctions } from '@aws-sdk/core/client';
import { customEndpointFunctions, EndpointCache, resolveEndpoint } from '@smithy/core/endpoints';
import type { EndpointParams, EndpointV2, Logger } from '@smithy/types';
import { ruleSet } from '../generated/endpointRuleSet.js';
import type { EndpointParameters } from './EndpointParameters.js';

const cache = new EndpointCache({ size: 50, params: ['Endpoint', 'Region', 'UseDualStack', 'UseFIPS'] });

customEndpointFunctions['aws'] = awsEndpointFunctions;

/** The client's default `endpointProvider`; throws the ruleset's error for an invalid combination. */
export const defaultEndpointResolver = (
  endpointParams: EndpointParameters,
  context: { logger?: Logger } = {},
): EndpointV2 =>
  cache.get(endpointParams as EndpointParams, () =>
    resolveEndpoint(ruleSet, { endpointParams: endpointParams as EndpointParams, logger: context.logger }),
  );
