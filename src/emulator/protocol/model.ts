/**
 * A read-only view of a Smithy JSON AST model (the subsets in `../model/`), with the few questions the
 * wire layer asks of it: what kind is this shape, what are its constraints (member traits over target
 * traits, as Smithy merges them), and which operation answers a given method and path.
 *
 * Internal to the emulator.
 */
import { readFileSync } from 'node:fs';
import type { ServiceName } from '../types.js';

type Traits = Record<string, any>;
/** A reference to a shape from a member (or list/map element), with the member's own traits. */
export interface MemberRef {
  readonly target: string;
  readonly traits?: Traits;
}
/**
 * One shape of the Smithy JSON AST, as the model file spells it; which fields are present depends on
 * `type`.
 */
export interface Shape {
  readonly type: string;
  readonly traits?: Traits;
  readonly members?: Record<string, MemberRef>;
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly input?: { target: string };
  readonly output?: { target: string };
  readonly errors?: { target: string }[];
}

/** The simple types of the Smithy prelude (`smithy.api#String` and kin). */
const PRELUDE: Record<string, string> = {
  String: 'string',
  Blob: 'blob',
  Boolean: 'boolean',
  PrimitiveBoolean: 'boolean',
  Byte: 'byte',
  Short: 'short',
  Integer: 'integer',
  PrimitiveInteger: 'integer',
  Long: 'long',
  PrimitiveLong: 'long',
  Float: 'float',
  Double: 'double',
  PrimitiveDouble: 'double',
  BigInteger: 'bigInteger',
  BigDecimal: 'bigDecimal',
  Timestamp: 'timestamp',
  Document: 'document',
  Unit: 'structure',
};

/**
 * One operation of a service as the wire layer routes it: its HTTP binding (method, URI pattern, success
 * status), input and output shape ids and the errors it may answer.
 */
export interface OperationSpec {
  readonly service: ServiceName;
  readonly name: string;
  readonly method: string;
  readonly uri: string;
  readonly code: number;
  readonly input: string;
  readonly output: string;
  /** Error shape ids this operation may answer: its own list plus the service's. */
  readonly errors: ReadonlySet<string>;
  /** Matches the request path; groups are the labels, in `labels` order. */
  readonly pathPattern: RegExp;
  readonly labels: readonly string[];
}

/**
 * The model of one service (see the module). Construction throws when the model lacks what the wire layer
 * needs (the service shape, an operation's HTTP binding); lookups of an unknown shape throw too (a bug, not
 * a client error).
 */
export class SmithyModel {
  readonly namespace: string;
  readonly serviceId: string;
  readonly signingName: string;
  readonly operations: readonly OperationSpec[];
  private readonly shapes: Record<string, Shape>;

  constructor(
    readonly service: ServiceName,
    ast: { shapes: Record<string, Shape> },
  ) {
    this.shapes = ast.shapes;
    const [serviceId, svc] = Object.entries(ast.shapes).find(([, s]) => s.type === 'service')!;
    this.serviceId = serviceId;
    this.namespace = serviceId.split('#')[0]!;
    this.signingName = svc.traits?.['aws.auth#sigv4']?.name;
    const serviceErrors = (svc.errors ?? []).map((e) => e.target);
    this.operations = Object.entries(ast.shapes)
      .filter(([, s]) => s.type === 'operation')
      .map(([id, op]) => {
        const http = op.traits?.['smithy.api#http'] as { method: string; uri: string; code?: number };
        const labels: string[] = [];
        const source = http.uri
          .split('/')
          .map((seg) => {
            const m = /^\{(\w+)\}$/.exec(seg);
            if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            labels.push(m[1]!);
            return '([^/]*)';
          })
          .join('/');
        return {
          service,
          name: id.split('#')[1]!,
          method: http.method,
          uri: http.uri,
          code: http.code ?? 200,
          input: op.input!.target,
          output: op.output!.target,
          errors: new Set([...(op.errors ?? []).map((e) => e.target), ...serviceErrors]),
          pathPattern: new RegExp(`^${source}$`),
          labels,
        };
      });
  }

  static load(service: ServiceName): SmithyModel {
    const url = new URL(`../model/${service}.json`, import.meta.url);
    return new SmithyModel(service, JSON.parse(readFileSync(url, 'utf8')));
  }

  shape(id: string): Shape {
    const prelude = id.startsWith('smithy.api#') ? PRELUDE[id.slice('smithy.api#'.length)] : undefined;
    if (prelude) return { type: prelude };
    const shape = this.shapes[id];
    if (!shape) throw new Error(`model ${this.service} has no shape ${id}`);
    return shape;
  }

  /** The traits in force for a member: the target shape's, overridden by the member's own. */
  traitsOf(ref: MemberRef): Traits {
    return { ...this.shape(ref.target).traits, ...ref.traits };
  }

  /** The operation for a method and path, or why none matched (`path` when no URI fits at all). */
  route(
    method: string,
    path: string,
  ): { op: OperationSpec; labels: Record<string, string> } | 'path' | 'method' {
    let pathMatched = false;
    for (const op of this.operations) {
      const m = op.pathPattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (op.method !== method) continue;
      const labels: Record<string, string> = {};
      op.labels.forEach((name, i) => (labels[name] = m[i + 1]!));
      return { op, labels };
    }
    return pathMatched ? 'method' : 'path';
  }

  /** The error shape id for a simple error name in this model's namespace. */
  errorShapeId(name: string): string {
    return `${this.namespace}#${name}`;
  }

  httpStatusOf(errorShapeId: string): number {
    return (this.shapes[errorShapeId]?.traits?.['smithy.api#httpError'] as number | undefined) ?? 500;
  }
}
