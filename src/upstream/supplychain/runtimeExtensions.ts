/**
 * Runtime extensions (`config.extensions`): each may read and replace the region, HTTP handler, retry
 * strategy, checksum and auth settings before the client is built, as in every official client.
 */
import {
  getAwsRegionExtensionConfiguration,
  resolveAwsRegionExtensionConfiguration,
} from '@aws-sdk/core/client';
import { getDefaultExtensionConfiguration, resolveDefaultRuntimeConfig } from '@smithy/core/client';
import {
  getHttpHandlerExtensionConfiguration,
  resolveHttpHandlerRuntimeConfig,
  type HttpHandlerExtensionConfiguration,
} from '@smithy/core/protocols';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  DefaultExtensionConfiguration,
  HttpAuthScheme,
} from '@smithy/types';
import type { SupplyChainHttpAuthSchemeProvider } from './auth/httpAuthSchemeProvider.js';

/**
 * The part of an extension's configuration that reads and replaces the auth settings: auth schemes (set
 * replaces the scheme with the same id or adds it), the auth scheme provider and the credentials.
 */
export interface HttpAuthExtensionConfiguration {
  setHttpAuthScheme(httpAuthScheme: HttpAuthScheme): void;
  httpAuthSchemes(): HttpAuthScheme[];
  setHttpAuthSchemeProvider(httpAuthSchemeProvider: SupplyChainHttpAuthSchemeProvider): void;
  httpAuthSchemeProvider(): SupplyChainHttpAuthSchemeProvider;
  setCredentials(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): void;
  credentials(): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
}

type AwsRegionExtensionConfiguration = ReturnType<typeof getAwsRegionExtensionConfiguration>;

/**
 * Everything a `RuntimeExtension` may read and replace: region, HTTP handler, defaults (retry strategy,
 * checksums) and auth.
 */
export interface SupplyChainExtensionConfiguration
  extends
    HttpHandlerExtensionConfiguration,
    DefaultExtensionConfiguration,
    AwsRegionExtensionConfiguration,
    HttpAuthExtensionConfiguration {}

/**
 * A runtime extension: `configure` is called once, in the order of `config.extensions`, after the
 * client's config is resolved; what it sets replaces the resolved values before any plugin is added.
 */
export interface RuntimeExtension {
  configure(extensionConfiguration: SupplyChainExtensionConfiguration): void;
}

/** The `extensions` list on the resolved config; empty by default. */
export interface RuntimeExtensionsConfig {
  extensions: RuntimeExtension[];
}

interface HttpAuthRuntimeConfig {
  httpAuthSchemes: HttpAuthScheme[];
  httpAuthSchemeProvider: SupplyChainHttpAuthSchemeProvider;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
}

function getHttpAuthExtensionConfiguration(
  runtimeConfig: HttpAuthRuntimeConfig,
): HttpAuthExtensionConfiguration {
  const schemes = runtimeConfig.httpAuthSchemes;
  let provider = runtimeConfig.httpAuthSchemeProvider;
  let credentials = runtimeConfig.credentials;
  return {
    setHttpAuthScheme(scheme) {
      const index = schemes.findIndex((s) => s.schemeId === scheme.schemeId);
      if (index === -1) schemes.push(scheme);
      else schemes.splice(index, 1, scheme);
    },
    httpAuthSchemes: () => schemes,
    setHttpAuthSchemeProvider(next) {
      provider = next;
    },
    httpAuthSchemeProvider: () => provider,
    setCredentials(next) {
      credentials = next;
    },
    credentials: () => credentials,
  };
}

/** Applies `extensions` in order to `runtimeConfig` (mutated and returned). */
export const resolveRuntimeExtensions = (runtimeConfig: any, extensions: RuntimeExtension[]): any => {
  const extensionConfiguration: SupplyChainExtensionConfiguration = Object.assign(
    getAwsRegionExtensionConfiguration(runtimeConfig),
    getDefaultExtensionConfiguration(runtimeConfig),
    getHttpHandlerExtensionConfiguration(runtimeConfig),
    getHttpAuthExtensionConfiguration(runtimeConfig),
  );
  for (const extension of extensions) extension.configure(extensionConfiguration);
  return Object.assign(
    runtimeConfig,
    resolveAwsRegionExtensionConfiguration(extensionConfiguration),
    resolveDefaultRuntimeConfig(extensionConfiguration),
    resolveHttpHandlerRuntimeConfig(extensionConfiguration),
    {
      httpAuthSchemes: extensionConfiguration.httpAuthSchemes(),
      httpAuthSchemeProvider: extensionConfiguration.httpAuthSchemeProvider(),
      credentials: extensionConfiguration.credentials(),
    },
  );
};
