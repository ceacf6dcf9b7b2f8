/**
 * The upstream error funnel: every AWS error name, network failure and bare HTTP status maps to one
 * public code; client-fault messages reach the client, server-side ones do not.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badInput, codeOf, ErrorCode, upstreamError } from '../../src/upstream/errors.js';

/** An error shaped like an AWS SDK v3 service exception. */
function awsError(
  name: string,
  message: string,
  meta: { status?: number; requestId?: string; fault?: 'client' | 'server' } = {},
): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: meta.fault ?? ((meta.status ?? 400) >= 500 ? 'server' : 'client'),
    $metadata: {
      ...(meta.status !== undefined ? { httpStatusCode: meta.status } : {}),
      ...(meta.requestId ? { requestId: meta.requestId } : {}),
      attempts: 1,
    },
  });
}

const networkError = (code: string): Error =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:4010`), { code });
const bareStatus = (status: number): unknown => ({
  name: 'UnknownError',
  $metadata: { httpStatusCode: status },
});

describe('codeOf', () => {
  it.each([
    ['ResourceNotFoundException', 'NOT_FOUND'],
    ['ThrottlingException', 'THROTTLED'],
    ['TooManyRequestsException', 'THROTTLED'],
    ['AccessDeniedException', 'FORBIDDEN'],
    ['ServiceQuotaExceededException', 'FORBIDDEN'],
    ['UnauthorizedException', 'UNAUTHENTICATED'],
    ['UnrecognizedClientException', 'UNAUTHENTICATED'],
    ['InvalidSignatureException', 'UNAUTHENTICATED'],
    ['ExpiredTokenException', 'UNAUTHENTICATED'],
    ['MissingAuthenticationTokenException', 'UNAUTHENTICATED'],
    ['ValidationException', 'BAD_USER_INPUT'],
    ['ConflictException', 'CONFLICT'],
    ['InternalServerException', 'UPSTREAM_UNAVAILABLE'],
    ['ServiceUnavailableException', 'UPSTREAM_UNAVAILABLE'],
    ['TimeoutError', 'UPSTREAM_TIMEOUT'],
    ['RequestTimeout', 'UPSTREAM_TIMEOUT'],
    ['RequestTimeoutException', 'UPSTREAM_TIMEOUT'],
    ['GatewayTimeoutException', 'UPSTREAM_TIMEOUT'],
  ])('maps %s to %s', (name, code) => {
    expect(codeOf(awsError(name, 'm'))).toBe(code);
  });

  it('maps by the AWS name before the HTTP status', () => {
    expect(codeOf(awsError('ThrottlingException', 'm', { status: 400 }))).toBe('THROTTLED');
    expect(codeOf(awsError('ResourceNotFoundException', 'm', { status: 500 }))).toBe('NOT_FOUND');
  });

  it.each([
    ['ETIMEDOUT', 'UPSTREAM_TIMEOUT'],
    ['ESOCKETTIMEDOUT', 'UPSTREAM_TIMEOUT'],
    ['ECONNRESET', 'UPSTREAM_TIMEOUT'],
    ['EPIPE', 'UPSTREAM_TIMEOUT'],
    ['ECONNREFUSED', 'UPSTREAM_UNAVAILABLE'],
    ['EHOSTUNREACH', 'UPSTREAM_UNAVAILABLE'],
    ['ENOTFOUND', 'UPSTREAM_UNAVAILABLE'],
    ['EAI_AGAIN', 'UPSTREAM_UNAVAILABLE'],
    ['ENETUNREACH', 'UPSTREAM_UNAVAILABLE'],
  ])('maps the network error %s to %s', (code, expected) => {
    expect(codeOf(networkError(code))).toBe(expected);
  });

  it.each([
    [429, 'THROTTLED'],
    [504, 'UPSTREAM_TIMEOUT'],
    [500, 'UPSTREAM_UNAVAILABLE'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [599, 'UPSTREAM_UNAVAILABLE'],
    [404, 'NOT_FOUND'],
    [403, 'FORBIDDEN'],
    [401, 'UNAUTHENTICATED'],
    [400, 'BAD_USER_INPUT'],
    [409, 'INTERNAL_SERVER_ERROR'],
    [302, 'INTERNAL_SERVER_ERROR'],
  ])('maps a bare HTTP %i to %s', (status, expected) => {
    expect(codeOf(bareStatus(status))).toBe(expected);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'boom'],
    ['a plain Error', new Error('boom')],
    ['an unknown AWS name without a status', { name: 'SomethingNewException' }],
  ])('maps %s to INTERNAL_SERVER_ERROR', (_what, err) => {
    expect(codeOf(err)).toBe('INTERNAL_SERVER_ERROR');
  });

  it('offers every code in the public enum by its own name', () => {
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
  });
});

describe('upstreamError', () => {
  it.each([
    ['ValidationException', 'BAD_USER_INPUT', '1 validation error detected: Value at instanceId ...'],
    ['ResourceNotFoundException', 'NOT_FOUND', 'Event 19739c8e not found'],
    ['ConflictException', 'CONFLICT', 'clientToken was used with another request'],
  ])('keeps the message of a client-fault %s (it says what to fix)', (name, code, message) => {
    const error = upstreamError(awsError(name, message, { status: 400 }), 'GetDataIntegrationEvent');
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe(message);
    expect(error.extensions['code']).toBe(code);
  });

  it.each([
    ['InternalServerException', 500, 'the upstream service is unavailable; retry later'],
    ['ServiceUnavailableException', 503, 'the upstream service is unavailable; retry later'],
    ['ThrottlingException', 429, 'the upstream service is throttling requests; retry later'],
    ['AccessDeniedException', 403, 'the gateway is not allowed to perform this upstream call'],
    ['UnrecognizedClientException', 403, 'the gateway could not authenticate to the upstream service'],
    ['GatewayTimeoutException', 504, 'the upstream service did not answer in time; retry later'],
  ])('hides the message of %s behind a public one', (name, status, publicMessage) => {
    const secret = 'at com.amazon.scn.Handler(Handler.java:42) role arn:aws:iam::123456789012:role/gw';
    const error = upstreamError(awsError(name, secret, { status }), 'ListDataIntegrationEvents');
    expect(error.message).toBe(publicMessage);
    expect(error.message).not.toContain('Handler');
    expect(error.message).not.toContain('123456789012');
  });

  it('hides the message of an unknown error as "internal error"', () => {
    const error = upstreamError(
      new TypeError("Cannot read properties of undefined (reading 'event')"),
      'GetX',
    );
    expect(error.message).toBe('internal error');
    expect(error.extensions['code']).toBe('INTERNAL_SERVER_ERROR');
  });

  it('hides a network error message', () => {
    const error = upstreamError(networkError('ECONNREFUSED'), 'GetInstance');
    expect(error.message).toBe('the upstream service is unavailable; retry later');
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('puts awsErrorName, awsOperation, awsRequestId and the upstream status in extensions', () => {
    const error = upstreamError(
      awsError('ResourceNotFoundException', 'no such event', { status: 404, requestId: 'req-42' }),
      'GetDataIntegrationEvent',
    );
    expect(error.extensions).toEqual({
      code: 'NOT_FOUND',
      awsErrorName: 'ResourceNotFoundException',
      awsOperation: 'GetDataIntegrationEvent',
      awsRequestId: 'req-42',
      upstreamHttpStatus: 404,
    });
  });

  it('leaves out the request id and status when the error has none', () => {
    const error = upstreamError(networkError('ETIMEDOUT'), 'GetDomain');
    expect(error.extensions).not.toHaveProperty('awsRequestId');
    expect(error.extensions).not.toHaveProperty('upstreamHttpStatus');
    expect(error.extensions['awsOperation']).toBe('GetDomain');
  });

  it('keeps the original error for the log', () => {
    const original = awsError('InternalServerException', 'db down', { status: 500 });
    expect(upstreamError(original, 'GetInstance').originalError).toBe(original);
    expect(upstreamError('not an error', 'GetInstance').originalError).toBeUndefined();
  });

  it('prefixes the message with what was being done, kept or hidden', () => {
    expect(
      upstreamError(
        awsError('ValidationException', 'bad token', { status: 400 }),
        'SendDataIntegrationEvent',
        'inputs.1',
      ).message,
    ).toBe('inputs.1: bad token');
    expect(
      upstreamError(awsError('InternalServerException', 'x', { status: 500 }), 'Op', 'inputs.1').message,
    ).toBe('inputs.1: the upstream service is unavailable; retry later');
  });

  it('gives a kept-message error with an empty message the public message', () => {
    expect(
      upstreamError(awsError('ResourceNotFoundException', '', { status: 404 }), 'GetDomain').message,
    ).toBe('not found');
  });
});

describe('badInput', () => {
  it('is a BAD_USER_INPUT naming the field', () => {
    const error = badInput('first must be positive', 'first');
    expect(error.message).toBe('first must be positive');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('leaves `field` out when none is given', () => {
    expect(badInput('nope').extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
