/**
 * The node runtime defaults of the Supply Chain client, as the official package's `runtimeConfig` and
 * `runtimeConfig.shared` set them: restJson1 schema serde, SigV4, the default credential provider chain,
 * `NodeHttpHandler`, region / retry mode / max attempts / FIPS / dual-stack from the environment and
 * shared config files, and the `standard` retry mode. Anything in `config` wins.
 */
import {
  createDefaultUserAgentProvider,
  emitWarningIfUnsupportedVersion as awsCheckVersion,
  NODE_APP_ID_CONFIG_OPTIONS,
} from '@aws-sdk/core/client';
import { AwsSdkSigV4Signer, NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from '@aws-sdk/core/httpAuthSchemes';
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { defaultProvider as credentialDefaultProvider } from '@aws-sdk/credential-provider-node';
import { emitWarningIfUnsupportedVersion, loadConfigsForDefaultMode, NoOpLogger } from '@smithy/core/client';
import {
  loadConfig as loadNodeConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
  resolveDefaultsModeConfig,
} from '@smithy/core/config';
import { parseUrl } from '@smithy/core/protocols';
import {
  DEFAULT_RETRY_MODE,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
} from '@smithy/core/retry';
import { calculateBodyLength, fromBase64, fromUtf8, Hash, toBase64, toUtf8 } from '@smithy/core/serde';
import { NodeHttpHandler as RequestHandler, streamCollector } from '@smithy/node-http-handler';
import type { IdentityProviderConfig } from '@smithy/types';
import { defaultSupplyChainHttpAuthSchemeProvider } from './auth/httpAuthSchemeProvider.js';
import { defaultEndpointResolver } from './endpoint/endpointResolver.js';
import { errorTypeRegistries } from './generated/schemas.js';
import type { SupplyChainClientConfig } from './SupplyChainClient.js';

/** Sent in the user agent as `api/supplychain#<version>`; marks requests from this hand-made client. */
export const CLIENT_VERSION = '0.1.0-loadgraph';

const getSharedRuntimeConfig = (config: SupplyChainClientConfig) => ({
  apiVersion: '2024-01-01',
  base64Decoder: config?.base64Decoder ?? fromBase64,
  base64Encoder: config?.base64Encoder ?? toBase64,
  disableHostPrefix: config?.disableHostPrefix ?? false,
  endpointProvider: config?.endpointProvider ?? defaultEndpointResolver,
  extensions: config?.extensions ?? [],
  httpAuthSchemeProvider: config?.httpAuthSchemeProvider ?? defaultSupplyChainHttpAuthSchemeProvider,
  httpAuthSchemes: config?.httpAuthSchemes ?? [
    {
      schemeId: 'aws.auth#sigv4',
      identityProvider: (ipc: IdentityProviderConfig) => ipc.getIdentityProvider('aws.auth#sigv4'),
      signer: new AwsSdkSigV4Signer(),
    },
  ],
  logger: config?.logger ?? new NoOpLogger(),
  protocol: config?.protocol ?? AwsRestJsonProtocol,
  protocolSettings: config?.protocolSettings ?? {
    defaultNamespace: 'com.amazonaws.supplychain',
    errorTypeRegistries,
    version: '2024-01-01',
    serviceTarget: 'GalaxyPublicAPIGateway',
  },
  serviceId: config?.serviceId ?? 'SupplyChain',
  urlParser: config?.urlParser ?? parseUrl,
  utf8Decoder: config?.utf8Decoder ?? fromUtf8,
  utf8Encoder: config?.utf8Encoder ?? toUtf8,
});

/**
 * The client's full runtime config for node: `config` over the defaults above (values given in `config`
 * win). Unset region, max attempts, retry mode, FIPS, dual-stack, app id and auth scheme preference are
 * loaded from the environment and shared config files (`profile` selects the profile); retry mode falls
 * back to the defaults mode's, then `standard`. Warns on unsupported node versions. The first step of
 * the client constructor.
 */
export const getRuntimeConfig = (config: SupplyChainClientConfig) => {
  emitWarningIfUnsupportedVersion(process.version);
  const defaultsMode = resolveDefaultsModeConfig(config);
  const defaultConfigProvider = () => defaultsMode().then(loadConfigsForDefaultMode);
  const clientSharedValues = getSharedRuntimeConfig(config);
  awsCheckVersion(process.version);
  const loaderConfig = { profile: config?.profile, logger: clientSharedValues.logger };
  return {
    ...clientSharedValues,
    ...config,
    runtime: 'node',
    defaultsMode,
    authSchemePreference:
      config?.authSchemePreference ?? loadNodeConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, loaderConfig),
    bodyLengthChecker: config?.bodyLengthChecker ?? calculateBodyLength,
    credentialDefaultProvider: config?.credentialDefaultProvider ?? credentialDefaultProvider,
    defaultUserAgentProvider:
      config?.defaultUserAgentProvider ??
      createDefaultUserAgentProvider({
        serviceId: clientSharedValues.serviceId,
        clientVersion: CLIENT_VERSION,
      }),
    maxAttempts: config?.maxAttempts ?? loadNodeConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, config),
    region:
      config?.region ??
      loadNodeConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...loaderConfig }),
    requestHandler: RequestHandler.create(config?.requestHandler ?? defaultConfigProvider),
    retryMode:
      config?.retryMode ??
      loadNodeConfig(
        {
          ...NODE_RETRY_MODE_CONFIG_OPTIONS,
          default: async () => (await defaultConfigProvider()).retryMode || DEFAULT_RETRY_MODE,
        },
        config,
      ),
    sha256: config?.sha256 ?? Hash.bind(null, 'sha256'),
    streamCollector: config?.streamCollector ?? streamCollector,
    useDualstackEndpoint:
      config?.useDualstackEndpoint ??
      loadNodeConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
    useFipsEndpoint:
      config?.useFipsEndpoint ?? loadNodeConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
    userAgentAppId: config?.userAgentAppId ?? loadNodeConfig(NODE_APP_ID_CONFIG_OPTIONS, loaderConfig),
  };
};
