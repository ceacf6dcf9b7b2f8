/**
 * One AWS service's restJson1 front: binds a routed request to a typed input, validates it against the
 * model, calls the handler, and encodes the output or the error exactly as the service would.
 *
 * Internal to the emulator.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError, type CallContext, type ServiceHandlers } from '../types.js';
import { WireTypeError, decode, encode } from './codec.js';
import type { OperationSpec, SmithyModel } from './model.js';
import { validate, validationMessage } from './validate.js';

/** An HTTP request as the restJson1 layer sees it, body fully read. */
export interface WireRequest {
  readonly method: string;
  /** The raw (still percent-encoded) path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An HTTP response as the restJson1 layer produces it; `body` is JSON text. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The restJson1 error encoding: status, `x-amzn-errortype`, and a JSON body with `message`. */
export function errorResponse(
  name: string,
  status: number,
  message: string,
  requestId: string,
): WireResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': name,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ message }),
  };
}

/**
 * One service over restJson1: binds a request to its operation's input (labels, query, headers, body),
 * validates it against the model's constraints as AWS does (ValidationException listing every problem),
 * calls the handler and encodes its output. A handler's AwsError becomes the modeled error response; any
 * other throw propagates (an emulator bug). Construction throws when an operation has no handler.
 */
export class RestJsonService {
  constructor(
    readonly model: SmithyModel,
    private readonly handlers: ServiceHandlers,
  ) {
    for (const op of model.operations) {
      if (!handlers[op.name]) throw new Error(`no handler for ${model.service} ${op.name}`);
    }
  }

  /** Answers an AwsError as this service would (status from the model's `@httpError`). */
  error(name: string, message: string, requestId: string): WireResponse {
    return errorResponse(name, this.model.httpStatusOf(this.model.errorShapeId(name)), message, requestId);
  }

  handle(
    op: OperationSpec,
    labels: Record<string, string>,
    req: WireRequest,
    ctx: CallContext,
  ): WireResponse {
    let input: Record<string, unknown>;
    try {
      input = this.bind(op, labels, req);
    } catch (err) {
      if (err instanceof WireTypeError)
        return this.error('ValidationException', validationMessage([err.message]), ctx.requestId);
      throw err;
    }
    const inputShape = this.model.shape(op.input);
    const problems = Object.entries(inputShape.members ?? {}).flatMap(([name, member]) =>
      validate(this.model, member, input[name], name),
    );
    if (problems.length > 0)
      return this.error('ValidationException', validationMessage(problems), ctx.requestId);
    try {
      const output = this.handlers[op.name]!(input, ctx);
      return {
        status: op.code,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': ctx.requestId },
        body: JSON.stringify(encode(this.model, { target: op.output }, output) ?? {}),
      };
    } catch (err) {
      if (err instanceof AwsError) return this.error(err.name, err.message, ctx.requestId);
      throw err;
    }
  }

  private bind(op: OperationSpec, labels: Record<string, string>, req: WireRequest): Record<string, unknown> {
    const shape = this.model.shape(op.input);
    let body: Record<string, unknown> = {};
    const members = Object.entries(shape.members ?? {});
    const hasBodyMembers = members.some(
      ([, m]) => !m.traits?.['smithy.api#httpLabel'] && !m.traits?.['smithy.api#httpQuery'],
    );
    if (hasBodyMembers && req.body.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new WireTypeError(
          'Value at the request body failed to satisfy constraint: Member must be a JSON object',
        );
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new WireTypeError(
          'Value at the request body failed to satisfy constraint: Member must be a JSON object',
        );
      }
      body = parsed as Record<string, unknown>;
    }
    const input: Record<string, unknown> = {};
    for (const [name, member] of members) {
      const traits = member.traits ?? {};
      let value: unknown;
      if ('smithy.api#httpLabel' in traits) {
        const raw = labels[name] ?? '';
        try {
          value = decode(this.model, member, decodeURIComponent(raw), name, 'label');
        } catch (err) {
          if (err instanceof URIError)
            throw new WireTypeError(
              `Value at '${name}' failed to satisfy constraint: Member must be percent-encoded`,
            );
          throw err;
        }
        if (value === '') {
          throw new WireTypeError(
            `Value '' at '${name}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
          );
        }
      } else if ('smithy.api#httpQuery' in traits) {
        const key = traits['smithy.api#httpQuery'] as string;
        const isList = this.model.shape(member.target).type === 'list';
        const raw = isList ? req.query.getAll(key) : req.query.get(key);
        value =
          isList && (raw as string[]).length === 0
            ? undefined
            : decode(this.model, member, raw ?? undefined, name, 'query');
      } else {
        value = decode(this.model, member, body[name], name, 'body');
      }
      if (value === undefined && 'smithy.api#default' in traits) value = traits['smithy.api#default'];
      if (value !== undefined) input[name] = value;
    }
    return input;
  }
}
