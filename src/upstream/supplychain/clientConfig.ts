/**
 * The Supply Chain client's config types, as the official package declares them: what the constructor
 * accepts (`SupplyChainClientConfig`) and what every resolver leaves on `client.config`
 * (`SupplyChainClientResolvedConfig`). Types only.
 */
import type {
  HostHeaderInputConfig,
  HostHeaderResolvedConfig,
  UserAgentInputConfig,
  UserAgentResolvedConfig,
} from '@aws-sdk/core/client';
import type { DefaultsMode, SmithyConfiguration, SmithyResolvedConfiguration } from '@smithy/core/client';
import type { RegionInputConfig, RegionResolvedConfig } from '@smithy/core/config';
import type { EndpointInputConfig, EndpointResolvedConfig } from '@smithy/core/endpoints';
import type { HttpHandlerUserInput } from '@smithy/core/protocols';
import type { RetryInputConfig, RetryResolvedConfig } from '@smithy/core/retry';
import type {
  AwsCredentialIdentityProvider,
  BodyLengthCalculator,
  ChecksumConstructor,
  Decoder,
  Encoder,
  HashConstructor,
  HttpHandlerOptions,
  Logger,
  Provider,
  StreamCollector,
  UrlParser,
  UserAgent,
} from '@smithy/types';
import type {
  HttpAuthSchemeInputConfig,
  HttpAuthSchemeResolvedConfig,
} from './auth/httpAuthSchemeProvider.js';
import type {
  ClientInputEndpointParameters,
  ClientResolvedEndpointParameters,
  EndpointParameters,
} from './endpoint/EndpointParameters.js';
import type { RuntimeExtension, RuntimeExtensionsConfig } from './runtimeExtensions.js';

/** The runtime-level settings; `runtimeConfig.ts` supplies a default for each. */
export interface ClientDefaults extends Partial<SmithyConfiguration<HttpHandlerOptions>> {
  /** A handler or the options for the default `NodeHttpHandler`. */
  requestHandler?: HttpHandlerUserInput;
  sha256?: ChecksumConstructor | HashConstructor;
  urlParser?: UrlParser;
  bodyLengthChecker?: BodyLengthCalculator;
  streamCollector?: StreamCollector;
  base64Decoder?: Decoder;
  base64Encoder?: Encoder;
  utf8Decoder?: Decoder;
  utf8Encoder?: Encoder;
  runtime?: string;
  disableHostPrefix?: boolean;
  serviceId?: string;
  useDualstackEndpoint?: boolean | Provider<boolean>;
  useFipsEndpoint?: boolean | Provider<boolean>;
  region?: string | Provider<string>;
  profile?: string;
  defaultUserAgentProvider?: Provider<UserAgent>;
  credentialDefaultProvider?: (input: any) => AwsCredentialIdentityProvider;
  /** Attempts per request, the first included; ignored when `retryStrategy` is given. */
  maxAttempts?: number | Provider<number>;
  retryMode?: string | Provider<string>;
  logger?: Logger;
  extensions?: RuntimeExtension[];
  defaultsMode?: DefaultsMode | Provider<DefaultsMode>;
}

/** The union of every resolver's input config; see `SupplyChainClientConfig`. */
export type SupplyChainClientConfigType = Partial<SmithyConfiguration<HttpHandlerOptions>> &
  ClientDefaults &
  UserAgentInputConfig &
  RetryInputConfig &
  RegionInputConfig &
  HostHeaderInputConfig &
  EndpointInputConfig<EndpointParameters> &
  HttpAuthSchemeInputConfig &
  ClientInputEndpointParameters;
/**
 * The config `new SupplyChainClient(config)` accepts; every field is optional and `runtimeConfig.ts`
 * supplies the defaults.
 */
export interface SupplyChainClientConfig extends SupplyChainClientConfigType {}

/** The union of every resolver's output config; see `SupplyChainClientResolvedConfig`. */
export type SupplyChainClientResolvedConfigType = SmithyResolvedConfiguration<HttpHandlerOptions> &
  Required<ClientDefaults> &
  RuntimeExtensionsConfig &
  UserAgentResolvedConfig &
  RetryResolvedConfig &
  RegionResolvedConfig &
  HostHeaderResolvedConfig &
  EndpointResolvedConfig<EndpointParameters> &
  HttpAuthSchemeResolvedConfig &
  ClientResolvedEndpointParameters;
/** The resolved config the client holds in `client.config` and its middleware reads. */
export interface SupplyChainClientResolvedConfig extends SupplyChainClientResolvedConfigType {}
