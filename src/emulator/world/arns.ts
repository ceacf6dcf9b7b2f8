/**
 * ARNs of the simulated resources, in the formats AWS uses.
 *
 * Internal to the emulator.
 */

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

/** The ARN of a Supply Chain data lake namespace. */
export const namespaceArn = (scope: ArnScope, instanceId: string, namespace: string): string =>
  `arn:aws:scn:${scope.region}:${scope.accountId}:instance/${instanceId}/namespaces/${namespace}`;

/** The ARN of a Supply Chain data lake dataset (its namespace's ARN plus `/datasets/<name>`). */
export const datasetArn = (scope: ArnScope, instanceId: string, namespace: string, name: string): string =>
  `${namespaceArn(scope, instanceId, namespace)}/datasets/${name}`;

/** The parts of a dataset ARN, as parsed back from one. */
export interface DatasetArnParts extends ArnScope {
  readonly instanceId: string;
  readonly namespace: string;
  readonly name: string;
}

const DATASET_ARN =
  /^arn:aws:scn:([a-z0-9-]+):([0-9]+):instance\/([a-f0-9-]{36})\/namespaces\/([^/]+)\/datasets\/([^/]+)$/;

/** Splits a `DataIntegrationDatasetArn`; `undefined` when it is not one. */
export function parseDatasetArn(arn: string): DatasetArnParts | undefined {
  const match = DATASET_ARN.exec(arn);
  if (!match) return undefined;
  const [, region, accountId, instanceId, namespace, name] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { region, accountId, instanceId, namespace, name };
}

/** The ARN of a DataZone domain. */
export const domainArn = (scope: ArnScope, domainId: string): string =>
  `arn:aws:datazone:${scope.region}:${scope.accountId}:domain/${domainId}`;

/** The ARN of an IAM role of the account, `path` included (`service-role/…`). */
export const roleArn = (scope: ArnScope, path: string): string =>
  `arn:aws:iam::${scope.accountId}:role/${path}`;
