/**
 * Our AWS Supply Chain client, exported under the names `@aws-sdk/client-supplychain` uses, so moving to
 * the official package is a change of this import path. Covers the 13 operations Loadgraph reads and
 * sends; the model subset is `src/emulator/model/supplychain.json`.
 */
export * from './SupplyChainClient.js';
export type { ClientInputEndpointParameters } from './endpoint/EndpointParameters.js';
export type { RuntimeExtension, SupplyChainExtensionConfiguration } from './runtimeExtensions.js';
export * from './commands/index.js';
export * from './pagination/index.js';
export * from './generated/schemas.js';
export * from './generated/models.js';
export * from './models/errors.js';
