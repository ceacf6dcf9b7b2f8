/**
 * The Supply Chain exceptions, as the official package declares them. The protocol constructs them from
 * the `x-amzn-errortype` name through the registries in `generated/schemas.ts`, then fills in `message`
 * and `$metadata` (status, request id, attempts). An error name the model does not declare surfaces as
 * the base class with that name. `$fault` and `$retryable` follow the model's `error` and `retryable`
 * traits; the retry strategy reads `$retryable`.
 */
import {
  ServiceException,
  type ExceptionOptionType,
  type ServiceExceptionOptions,
} from '@smithy/core/client';

/** Base class of every error the Supply Chain client throws for a service response. */
export class SupplyChainServiceException extends ServiceException {
  /** @internal */
  constructor(options: ServiceExceptionOptions) {
    super(options);
    Object.setPrototypeOf(this, SupplyChainServiceException.prototype);
  }
}

type Options<E extends Error> = ExceptionOptionType<E, SupplyChainServiceException>;

/** 403: the caller lacks the required privileges. */
export class AccessDeniedException extends SupplyChainServiceException {
  override readonly name = 'AccessDeniedException' as const;
  override readonly $fault = 'client' as const;
  /** @internal */
  constructor(opts: Options<AccessDeniedException>) {
    super({ name: 'AccessDeniedException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, AccessDeniedException.prototype);
  }
}

/** 409: the update or delete would leave a resource inconsistent. */
export class ConflictException extends SupplyChainServiceException {
  override readonly name = 'ConflictException' as const;
  override readonly $fault = 'client' as const;
  /** @internal */
  constructor(opts: Options<ConflictException>) {
    super({ name: 'ConflictException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, ConflictException.prototype);
  }
}

/** 500: unexpected failure in the service; retryable. */
export class InternalServerException extends SupplyChainServiceException {
  override readonly name = 'InternalServerException' as const;
  override readonly $fault = 'server' as const;
  override $retryable = {};
  /** @internal */
  constructor(opts: Options<InternalServerException>) {
    super({ name: 'InternalServerException', $fault: 'server', ...opts });
    Object.setPrototypeOf(this, InternalServerException.prototype);
  }
}

/** 404: the request references a resource that does not exist. */
export class ResourceNotFoundException extends SupplyChainServiceException {
  override readonly name = 'ResourceNotFoundException' as const;
  override readonly $fault = 'client' as const;
  /** @internal */
  constructor(opts: Options<ResourceNotFoundException>) {
    super({ name: 'ResourceNotFoundException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, ResourceNotFoundException.prototype);
  }
}

/** 402 (sic, per the model): the request would exceed a service quota. */
export class ServiceQuotaExceededException extends SupplyChainServiceException {
  override readonly name = 'ServiceQuotaExceededException' as const;
  override readonly $fault = 'client' as const;
  /** @internal */
  constructor(opts: Options<ServiceQuotaExceededException>) {
    super({ name: 'ServiceQuotaExceededException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, ServiceQuotaExceededException.prototype);
  }
}

/** 429: the request was throttled; retryable, as throttling. */
export class ThrottlingException extends SupplyChainServiceException {
  override readonly name = 'ThrottlingException' as const;
  override readonly $fault = 'client' as const;
  override $retryable = { throttling: true };
  /** @internal */
  constructor(opts: Options<ThrottlingException>) {
    super({ name: 'ThrottlingException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, ThrottlingException.prototype);
  }
}

/** 400: the input does not satisfy the operation's constraints. */
export class ValidationException extends SupplyChainServiceException {
  override readonly name = 'ValidationException' as const;
  override readonly $fault = 'client' as const;
  /** @internal */
  constructor(opts: Options<ValidationException>) {
    super({ name: 'ValidationException', $fault: 'client', ...opts });
    Object.setPrototypeOf(this, ValidationException.prototype);
  }
}
