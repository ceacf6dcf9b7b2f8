/**
 * The gateway's own AWS credentials, in real-AWS mode: one attempt to resolve them at start, so a
 * deployment without any says so at once, in one line, instead of on the first request. A failure does
 * not stop the gateway: credentials may appear later (a role attached, a file mounted), `/readyz` fails
 * until they do (readiness.ts), and a field that needs them answers UPSTREAM_CREDENTIALS (errors.ts).
 */
import type { AwsCredentialIdentity } from '@smithy/types';

/** The default provider chain of the AWS SDK for JavaScript v3, in the order it tries its sources. */
export const DEFAULT_CHAIN =
  'environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), SSO and shared config/credentials files (AWS_PROFILE, ~/.aws/config, ~/.aws/credentials), web identity token (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN), credential_process, container credentials (ECS task role, EKS Pod Identity), EC2 instance metadata';

/** What an operator can do about missing credentials. */
export const CREDENTIALS_HELP =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE naming a profile of ~/.aws/config, or run the gateway with an IAM role (ECS task role, EKS IRSA or Pod Identity, EC2 instance profile)';

/** The one-line account of a failed resolution: what failed, what was tried, what to set. */
export function credentialsProblem(err: unknown): string {
  const why = err instanceof Error ? err.message : String(err);
  return `AWS credentials could not be resolved (${why}). Tried the default provider chain: ${DEFAULT_CHAIN}. To fix: ${CREDENTIALS_HELP}.`;
}

/** The two levels the startup credentials check logs at (a pino logger fits). */
export interface CredentialsCheckLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Resolves the credentials once through `resolve` (the client's provider) and logs the outcome: the key
 * id's source on success, the problem line on failure. Never throws; resolves to the problem, if any.
 */
export async function checkCredentialsAtStart(
  resolve: () => Promise<AwsCredentialIdentity>,
  logger: CredentialsCheckLogger,
): Promise<string | undefined> {
  try {
    const { accessKeyId, expiration } = await resolve();
    logger.info(
      { accessKeyId: `${accessKeyId.slice(0, 4)}…`, ...(expiration ? { expiration } : {}) },
      'AWS credentials resolved',
    );
    return undefined;
  } catch (err) {
    const problem = credentialsProblem(err);
    logger.error(
      { awsErrorName: (err as Error).name },
      `${problem} The gateway keeps serving; /readyz fails until credentials resolve.`,
    );
    return problem;
  }
}
