/**
 * The emulator verifies SigV4 as AWS does, tried with real signers over HTTP: our Supply Chain client,
 * the official DataZone client, `@smithy/signature-v4` on raw requests, and boto3. The documented key
 * pair works, including on paths and query strings whose characters need encoding (so the canonical
 * request both sides build is the same); a wrong secret, an unknown key, a wrong region, a date from
 * 2020 or an hour ahead, a tampered body and a malformed header each get AWS's error name, status and
 * message, and the SDKs surface the name.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import {
  DataZoneClient,
  GetDataSourceCommand,
  ListDataSourcesCommand,
  ListDomainsCommand,
} from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { WorldSummary } from '../../src/emulator/world/index.js';
import {
  GetDataIntegrationEventCommand,
  GetDataLakeDatasetCommand,
  ListDataIntegrationFlowExecutionsCommand,
  ListInstancesCommand,
  SendDataIntegrationEventCommand,
  SupplyChainClient,
} from '../../src/upstream/supplychain/index.js';
import {
  createDisposers,
  credentials,
  REGION,
  rejectionOf,
  signRequest,
  startTestEmulator,
  type TestEmulator,
} from '../helpers/emulator.js';

const run = promisify(execFile);
const disposers = createDisposers();
let emu: TestEmulator;
let instanceId: string;
let domain: WorldSummary['datazone']['domains'][number];

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface ClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  systemClockOffset?: number;
  maxAttempts?: number;
}
/** Both real clients against `endpoint`, closed after the suite. */
function clientsFor(endpoint: string, options: ClientOptions = {}) {
  const config = {
    region: options.region ?? REGION,
    endpoint,
    credentials: options.credentials ?? credentials,
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
  };
  const supplyChain = new SupplyChainClient(config);
  const dataZone = new DataZoneClient(config);
  disposers.track({ close: () => (supplyChain.destroy(), dataZone.destroy()) });
  return { supplyChain, dataZone };
}

/** The error both clients get for a read, as `{status, name, message}`. */
async function refusals(options: ClientOptions) {
  const { supplyChain, dataZone } = clientsFor(emu.endpoint, options);
  const shape = (err: any) => ({
    status: err.$metadata?.httpStatusCode,
    name: err.name,
    message: err.message,
  });
  return {
    scn: shape(await rejectionOf(supplyChain.send(new ListInstancesCommand({})))),
    datazone: shape(await rejectionOf(dataZone.send(new ListDomainsCommand({})))),
  };
}

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator({ seed: 42 }));
  instanceId = emu.world.supplychain.instances[0]!.instanceId;
  domain = emu.world.datazone.domains[0]!;
});
afterAll(() => disposers.dispose());

describe('the documented key pair', () => {
  it('signs query strings with blanks, quotes, percents, colons, ampersands and slashes that both sides encode alike (200)', async () => {
    const { instances } = await emu.supplyChain.send(
      new ListInstancesCommand({
        instanceNameFilter: ['Northwind Distribution', "Acme's 100% Parts-Co"],
      }),
    );
    expect(instances!.map((i) => i.instanceName)).toEqual(['Northwind Distribution']);
    const { items } = await emu.dataZone.send(
      new ListDataSourcesCommand({
        domainIdentifier: domain.domainId,
        projectIdentifier: domain.projects[0]!.id,
        name: 'no such: source/&=+',
      }),
    );
    expect(items).toEqual([]);
  });

  it('signs paths whose labels carry ARNs, colons, slashes and blanks: the request is verified, then answered on its merits', async () => {
    const arn = `arn:aws:scn:us-east-1:123456789012:instance/${instanceId}/events/a b`;
    const scn = await rejectionOf(
      emu.supplyChain.send(new GetDataIntegrationEventCommand({ instanceId, eventId: arn })),
    );
    expect([scn.$metadata.httpStatusCode, scn.name]).toEqual([400, 'ValidationException']);
    expect(scn.message).toContain("at 'eventId' failed to satisfy constraint");
    const dz = await rejectionOf(
      emu.dataZone.send(
        new GetDataSourceCommand({ domainIdentifier: domain.domainId, identifier: 'arn:aws:x y/z' }),
      ),
    );
    expect([dz.$metadata.httpStatusCode, dz.name]).toEqual([400, 'ValidationException']);
  });

  it('gets the right 404 for a well-formed label that names nothing, and 200 for one that does', async () => {
    const missing = await rejectionOf(
      emu.supplyChain.send(
        new ListDataIntegrationFlowExecutionsCommand({ instanceId, flowName: 'no-such-flow' }),
      ),
    );
    expect([missing.$metadata.httpStatusCode, missing.name]).toEqual([404, 'ResourceNotFoundException']);
    const { dataset } = await emu.supplyChain.send(
      new GetDataLakeDatasetCommand({ instanceId, namespace: 'default', name: 'edi_message_log' }),
    );
    expect(dataset!.arn).toBe(
      `arn:aws:scn:us-east-1:123456789012:instance/${instanceId}/namespaces/default/datasets/edi_message_log`,
    );
  });

  it('signs a JSON body (its hash is part of the signature), and a session token is accepted', async () => {
    const { supplyChain } = clientsFor(emu.endpoint, {
      credentials: { ...credentials, sessionToken: 'a-session-token' },
    });
    const { eventId } = await supplyChain.send(
      new SendDataIntegrationEventCommand({
        instanceId,
        eventType: 'scn.data.forecast',
        data: '{"product_id":"P 1: ü"}',
        eventGroupId: 'sigv4 group/1',
      }),
    );
    expect(eventId).toBeDefined();
  });
});

describe('what AWS refuses, through the real clients', () => {
  it('a wrong secret: 403 InvalidSignatureException, saying what the canonical request should have been', async () => {
    const { scn, datazone } = await refusals({ credentials: { ...credentials, secretAccessKey: 'wrong' } });
    for (const answer of [scn, datazone]) {
      expect(answer).toMatchObject({ status: 403, name: 'InvalidSignatureException' });
      expect(answer.message.startsWith(MISMATCH)).toBe(true);
    }
    expect(scn.message).toContain(
      "The Canonical String for this request should have been\n'GET\n/api/instance\n",
    );
    expect(scn.message).toContain("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n");
  });

  it('an unknown access key: 403 UnrecognizedClientException', async () => {
    const { scn, datazone } = await refusals({
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' },
    });
    for (const answer of [scn, datazone]) {
      expect(answer).toEqual({
        status: 403,
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    }
  });

  it('a wrong region: 403 InvalidSignatureException naming it', async () => {
    const { scn, datazone } = await refusals({ region: 'eu-west-1' });
    for (const answer of [scn, datazone]) {
      expect(answer).toEqual({
        status: 403,
        name: 'InvalidSignatureException',
        message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
      });
    }
  });

  it('a date from 2020: 403 InvalidSignatureException "Signature expired", measured on the wall clock', async () => {
    // The emulator's simulated clock is frozen at its start here; the check reads real time.
    const { scn, datazone } = await refusals({ systemClockOffset: Date.UTC(2020, 0, 1) - Date.now() });
    for (const answer of [scn, datazone]) {
      expect(answer.status).toBe(403);
      expect(answer.name).toBe('InvalidSignatureException');
      expect(answer.message).toMatch(
        /^Signature expired: 20200101T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      );
    }
  });

  it('a date an hour ahead: 403 InvalidSignatureException "Signature not yet current"; 10 minutes either way pass', async () => {
    const { scn } = await refusals({ systemClockOffset: 3_600_000 });
    expect(scn).toMatchObject({ status: 403, name: 'InvalidSignatureException' });
    expect(scn.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than /);
    for (const offset of [-600_000, 600_000]) {
      const { supplyChain } = clientsFor(emu.endpoint, { systemClockOffset: offset });
      expect((await supplyChain.send(new ListInstancesCommand({}))).instances!.length).toBe(2);
    }
  });

  it('a skewed client with retries corrects its clock from the Date header and succeeds, as with AWS', async () => {
    const { supplyChain } = clientsFor(emu.endpoint, {
      systemClockOffset: Date.UTC(2020, 0, 1) - Date.now(),
      maxAttempts: 3,
    });
    const out = await supplyChain.send(new ListInstancesCommand({}));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('a body changed after signing (the SDK signs its hash too): 403 InvalidSignatureException', async () => {
    const { supplyChain } = clientsFor(emu.endpoint);
    supplyChain.middlewareStack.addRelativeTo(
      (next: any) => async (args: any) => {
        args.request.body = String(args.request.body).replace('P1', 'P2');
        return next(args);
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamperAfterSigning' },
    );
    const err = await rejectionOf(
      supplyChain.send(
        new SendDataIntegrationEventCommand({
          instanceId,
          eventType: 'scn.data.forecast',
          data: '{"product_id":"P1"}',
          eventGroupId: 'tampered',
        }),
      ),
    );
    expect([err.$metadata.httpStatusCode, err.name]).toEqual([403, 'InvalidSignatureException']);
    expect(err.message).toBe("The provided 'x-amz-content-sha256' header does not match what was computed.");
  });
});

describe('what AWS refuses, on raw signed requests', () => {
  const target = () => new URL(`${emu.endpoint}/api/instance`);
  const send = async (headers: Record<string, string>, body?: string) => {
    const res = await fetch(target(), {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return {
      status: res.status,
      name: res.headers.get('x-amzn-errortype'),
      message: ((await res.json()) as { message: string }).message,
    };
  };

  it('an x-amz-content-sha256 that is not the body’s hash: 403 InvalidSignatureException', async () => {
    const url = new URL(
      `${emu.endpoint}/api-data/data-integration/instance/${instanceId}/data-integration-events`,
    );
    const signed = await signRequest(
      url,
      'POST',
      { 'content-type': 'application/json', 'x-amz-content-sha256': '0'.repeat(64) },
      '{}',
      'scn',
    );
    const res = await fetch(url, { method: 'POST', headers: signed, body: '{}' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await res.json()) as any).message).toBe(
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it('a body changed after signing, without x-amz-content-sha256 (as boto3 signs): 403 InvalidSignatureException', async () => {
    const url = new URL(
      `${emu.endpoint}/api-data/data-integration/instance/${instanceId}/data-integration-events`,
    );
    const signed = await signRequest(url, 'POST', { 'content-type': 'application/json' }, '{"a":1}', 'scn', {
      applyChecksum: false,
    });
    expect(signed['x-amz-content-sha256']).toBeUndefined();
    const res = await fetch(url, { method: 'POST', headers: signed, body: '{"a":2}' });
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([403, 'InvalidSignatureException']);
    const { message } = (await res.json()) as { message: string };
    expect(message.startsWith(MISMATCH)).toBe(true);
    // The canonical request AWS expected ends with the hash of the body it received.
    expect(message).toContain(createHash('sha256').update('{"a":2}').digest('hex'));
  });

  it('a signature without host among the signed headers: 403 InvalidSignatureException', async () => {
    const signed = await signRequest(target(), 'GET', {}, undefined, 'scn');
    const authorization = signed['authorization']!.replace('SignedHeaders=host;', 'SignedHeaders=');
    expect(await send({ ...signed, authorization })).toEqual({
      status: 403,
      name: 'InvalidSignatureException',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('a credential scope dated another day than the request: 403 InvalidSignatureException', async () => {
    const signed = await signRequest(target(), 'GET', {}, undefined, 'scn');
    const today = signed['x-amz-date']!.slice(0, 8);
    const authorization = signed['authorization']!.replace(`/${today}/`, '/20200101/');
    const answer = await send({ ...signed, authorization });
    expect(answer).toEqual({
      status: 403,
      name: 'InvalidSignatureException',
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '${today}', from '${signed['x-amz-date']}'.`,
    });
  });

  it.each([
    [
      'no Signature',
      (a: string) => a.replace(/, Signature=\w+/, ''),
      "Authorization header requires 'Signature' parameter.",
    ],
    [
      'no Credential',
      (a: string) => a.replace(/Credential=[^,]+, /, ''),
      "Authorization header requires 'Credential' parameter.",
    ],
    [
      'another algorithm',
      (a: string) => a.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'),
      'Unsupported Authorization Type',
    ],
  ])('an Authorization with %s: 403 IncompleteSignatureException', async (_, edit, message) => {
    const signed = await signRequest(target(), 'GET', {}, undefined, 'scn');
    const answer = await send({ ...signed, authorization: edit(signed['authorization']!) });
    expect(answer).toMatchObject({ status: 403, name: 'IncompleteSignatureException' });
    expect(answer.message).toContain(message);
  });

  it('a malformed X-Amz-Date: 403 IncompleteSignatureException', async () => {
    const signed = await signRequest(target(), 'GET', {}, undefined, 'scn');
    expect(await send({ ...signed, 'x-amz-date': '2026-01-01T00:00:00Z' })).toMatchObject({
      status: 403,
      name: 'IncompleteSignatureException',
      message:
        "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
  });
});

describe('configured keys and region', () => {
  let custom: RunningEmulator;
  const pairs = [
    { accessKeyId: 'AKIATEAMONE000000000', secretAccessKey: 'team-one-secret' },
    { accessKeyId: 'AKIATEAMTWO000000000', secretAccessKey: 'team-two-secret' },
  ];
  beforeAll(async () => {
    custom = disposers.track(
      await startEmulator({ port: 0, seed: 42, clockSpeed: 0, credentials: pairs, region: 'eu-central-1' }),
    );
  });

  it('accepts every configured pair in the configured region, and its ARNs carry that region', async () => {
    for (const pair of pairs) {
      const { supplyChain, dataZone } = clientsFor(custom.endpoint, {
        region: 'eu-central-1',
        credentials: pair,
      });
      const { instances } = await supplyChain.send(new ListInstancesCommand({}));
      expect(instances!.length).toBe(2);
      const id = instances![0]!.instanceId!;
      const { dataset } = await supplyChain.send(
        new GetDataLakeDatasetCommand({ instanceId: id, namespace: 'asc', name: 'product' }),
      );
      expect(dataset!.arn).toMatch(/^arn:aws:scn:eu-central-1:/);
      expect((await dataZone.send(new ListDomainsCommand({}))).items!.length).toBeGreaterThan(0);
    }
  });

  it('no longer accepts the default pair, nor its own region’s neighbour', async () => {
    const { supplyChain } = clientsFor(custom.endpoint, { region: 'eu-central-1' });
    expect((await rejectionOf(supplyChain.send(new ListInstancesCommand({})))).name).toBe(
      'UnrecognizedClientException',
    );
    const east = clientsFor(custom.endpoint, { credentials: pairs[0] }).supplyChain;
    const err = await rejectionOf(east.send(new ListInstancesCommand({})));
    expect(err.message).toBe("Credential should be scoped to a valid region, not 'us-east-1'. ");
  });
});

// Python and the CLI take seconds to start on a busy machine.
describe('boto3, where the wire is the point', { timeout: 90_000 }, () => {
  /**
   * Runs boto3 against the emulator: its `supplychain` and `datazone` clients when its botocore has them
   * (1.38.14 and later), else botocore's own SigV4 signer on a raw request. Prints one JSON line per call.
   */
  const SCRIPT = String.raw`
import json, os, sys, urllib.request, urllib.error
import boto3, botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, secret = os.environ['ENDPOINT'], os.environ['SECRET']
session = boto3.session.Session(aws_access_key_id=os.environ['KEY'], aws_secret_access_key=secret, region_name='us-east-1')
def raw(service, path):
    request = AWSRequest(method='GET', url=endpoint + path)
    SigV4Auth(Credentials(os.environ['KEY'], secret), service, 'us-east-1').add_auth(request)
    try:
        with urllib.request.urlopen(urllib.request.Request(request.url, headers=dict(request.headers))) as res:
            return {'status': res.status, 'body': json.loads(res.read())}
    except urllib.error.HTTPError as e:
        return {'status': e.code, 'error': e.headers.get('x-amzn-errortype'), 'message': json.loads(e.read())['message']}
def call(service, method, path, **kwargs):
    if service not in session.get_available_services():
        return raw('scn' if service == 'supplychain' else service, path)
    client = session.client(service, endpoint_url=endpoint, config=botocore.config.Config(retries={'max_attempts': 1}))
    try:
        out = getattr(client, method)(**kwargs)
        return {'status': out['ResponseMetadata']['HTTPStatusCode'], 'body': {k: v for k, v in out.items() if k != 'ResponseMetadata'}}
    except botocore.exceptions.ClientError as e:
        return {'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'error': e.response['Error']['Code'], 'message': e.response['Error']['Message']}
print(json.dumps(call('supplychain', 'list_instances', '/api/instance?instanceNameFilter=Northwind%20Distribution', instanceNameFilter=['Northwind Distribution']), default=str))
print(json.dumps(call('datazone', 'list_domains', '/v2/domains'), default=str))
`;
  const boto3 = async (secret: string) => {
    const { stdout } = await run('python3', ['-c', SCRIPT], {
      env: { ...process.env, ENDPOINT: emu.endpoint, KEY: credentials.accessKeyId, SECRET: secret },
    });
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  };

  it('works with the documented keys', async () => {
    const [scn, dz] = await boto3(credentials.secretAccessKey);
    expect(scn.status).toBe(200);
    expect(scn.body.instances.map((i: any) => i.instanceName)).toEqual(['Northwind Distribution']);
    expect(dz.status).toBe(200);
    expect(dz.body.items.length).toBeGreaterThan(0);
  });

  it('gets 403 InvalidSignatureException with a wrong secret', async () => {
    for (const answer of await boto3('not-the-secret')) {
      expect(answer.status).toBe(403);
      expect(answer.error).toBe('InvalidSignatureException');
      expect(answer.message.startsWith(MISMATCH)).toBe(true);
    }
  });

  /** The AWS CLI, when it has the `supplychain` commands (awscli 1.32.18 / 2.15 and later). */
  const cli = async (secret: string) =>
    run(
      'aws',
      [
        'supplychain',
        'list-instances',
        '--endpoint-url',
        emu.endpoint,
        '--region',
        REGION,
        '--output',
        'json',
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_MAX_ATTEMPTS: '1',
        },
      },
    ).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (err: { code: number | string; stdout: string; stderr: string }) => ({ ...err }),
    );

  it('the AWS CLI works with the documented keys and gets InvalidSignatureException with a wrong secret (skipped where no AWS CLI with Supply Chain is installed)', async (ctx) => {
    const ok = await cli(credentials.secretAccessKey);
    if (ok.code === 'ENOENT' || /Invalid choice/.test(ok.stderr)) ctx.skip(); // no CLI with Supply Chain here
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).instances.length).toBe(2);
    const refused = await cli('not-the-secret');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'An error occurred (InvalidSignatureException) when calling the ListInstances operation: The request signature we calculated does not match',
    );
  });
});
