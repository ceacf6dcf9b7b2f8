/**
 * The AWS Supply Chain client, built like the official generated `SupplyChainClient` of
 * @aws-sdk/client-supplychain on the runtime @aws-sdk/client-datazone uses: the same config resolution
 * chain and middleware plugins (schema serde, user agent, retry, content length, host header, logger,
 * recursion detection, endpoint ruleset + auth scheme selection, SigV4 signing as `scn`). Switching to
 * the official package is an import change.
 *
 * Accepts the usual SDK config (`region`, `endpoint`, `credentials`, `maxAttempts`, `retryStrategy`,
 * `retryMode`, `requestHandler`, `logger`, `useFipsEndpoint`, `useDualstackEndpoint`, `extensions`, ...).
 * Without `region` or `credentials` it reads them the SDK's way (environment, shared config files,
 * the default credential provider chain).
 */
import {
  getHostHeaderPlugin,
  getLoggerPlugin,
  getRecursionDetectionPlugin,
  getUserAgentPlugin,
  resolveHostHeaderConfig,
  resolveUserAgentConfig,
} from '@aws-sdk/core/client';
import {
  DefaultIdentityProviderConfig,
  getHttpAuthSchemeEndpointRuleSetPlugin,
  getHttpSigningPlugin,
} from '@smithy/core';
import { Client as __Client } from '@smithy/core/client';
import { resolveRegionConfig } from '@smithy/core/config';
import { resolveEndpointConfig } from '@smithy/core/endpoints';
import { getContentLengthPlugin } from '@smithy/core/protocols';
import { getRetryPlugin, resolveRetryConfig } from '@smithy/core/retry';
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import type { CheckOptionalClientConfig, HttpHandlerOptions } from '@smithy/types';
import {
  defaultSupplyChainHttpAuthSchemeParametersProvider,
  resolveHttpAuthSchemeConfig,
} from './auth/httpAuthSchemeProvider.js';
import type { SupplyChainClientConfig, SupplyChainClientResolvedConfig } from './clientConfig.js';
import type { ServiceInputTypes, ServiceOutputTypes } from './commands/index.js';
import { resolveClientEndpointParameters } from './endpoint/EndpointParameters.js';
import { getRuntimeConfig } from './runtimeConfig.js';
import { resolveRuntimeExtensions } from './runtimeExtensions.js';

export { __Client };
export type * from './clientConfig.js';
export type { ServiceInputTypes, ServiceOutputTypes };

/**
 * The AWS Supply Chain client: send it commands with `client.send(command)`. The constructor applies the
 * runtime defaults (`getRuntimeConfig`), runs the config resolvers (endpoint parameters, user agent,
 * retry, region, host header, endpoint, auth scheme), applies `config.extensions`, then adds the
 * middleware plugins. Call `destroy()` when done to close its sockets.
 */
export class SupplyChainClient extends __Client<
  HttpHandlerOptions,
  ServiceInputTypes,
  ServiceOutputTypes,
  SupplyChainClientResolvedConfig
> {
  /** The config after every resolver and runtime extension ran. */
  override readonly config: SupplyChainClientResolvedConfig;

  constructor(...[configuration]: CheckOptionalClientConfig<SupplyChainClientConfig>) {
    const _config_0 = getRuntimeConfig(configuration || {});
    super(_config_0 as any);
    this.initConfig = _config_0;
    const _config_1 = resolveClientEndpointParameters(_config_0);
    const _config_2 = resolveUserAgentConfig(_config_1);
    const _config_3 = resolveRetryConfig(_config_2);
    const _config_4 = resolveRegionConfig(_config_3);
    const _config_5 = resolveHostHeaderConfig(_config_4);
    const _config_6 = resolveEndpointConfig(_config_5);
    const _config_7 = resolveHttpAuthSchemeConfig(_config_6);
    this.config = resolveRuntimeExtensions(_config_7, configuration?.extensions || []);
    this.middlewareStack.use(getSchemaSerdePlugin(this.config));
    this.middlewareStack.use(getUserAgentPlugin(this.config));
    this.middlewareStack.use(getRetryPlugin(this.config));
    this.middlewareStack.use(getContentLengthPlugin(this.config));
    this.middlewareStack.use(getHostHeaderPlugin(this.config));
    this.middlewareStack.use(getLoggerPlugin(this.config));
    this.middlewareStack.use(getRecursionDetectionPlugin(this.config));
    this.middlewareStack.use(
      getHttpAuthSchemeEndpointRuleSetPlugin(this.config, {
        httpAuthSchemeParametersProvider: defaultSupplyChainHttpAuthSchemeParametersProvider,
        identityProviderConfigProvider: async (config: SupplyChainClientResolvedConfig) =>
          new DefaultIdentityProviderConfig({ 'aws.auth#sigv4': config.credentials }),
      }),
    );
    this.middlewareStack.use(getHttpSigningPlugin(this.config));
  }

  /** Closes the request handler's sockets. */
  override destroy(): void {
    super.destroy();
  }
}
