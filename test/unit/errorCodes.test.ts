/** The public error codes: one module lists them all, and the schema's `ErrorCode` enum is part of it. */
import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isErrorCode, UPSTREAM_ERROR_CODES } from '../../src/errors.js';
import { createFormatError } from '../../src/server/errors.js';
import { codeOf } from '../../src/upstream/errors.js';

const sdl = ['common', 'supplychain', 'datazone', 'query', 'mutation', 'subscription']
  .map((area) => readFileSync(new URL(`../../schema/${area}.graphql`, import.meta.url), 'utf8'))
  .join('\n');

describe('the public error codes', () => {
  it('include every value of the schema enum ErrorCode', () => {
    const schemaEnum = buildSchema(sdl, { assumeValid: true, assumeValidSDL: true }).getType('ErrorCode');
    expect(isEnumType(schemaEnum)).toBe(true);
    const values = isEnumType(schemaEnum) ? schemaEnum.getValues().map((v) => v.name) : [];
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(isErrorCode(value), value).toBe(true);
  });

  it('include every code an upstream failure maps to', () => {
    for (const code of UPSTREAM_ERROR_CODES) expect(ErrorCode[code]).toBe(code);
    expect(UPSTREAM_ERROR_CODES).toContain(codeOf({ name: 'SomethingNew' }));
  });

  it('pass the error funnel, HTTP-level ones included; an unknown code is masked', () => {
    const format = createFormatError({ exposeInternalMessages: false });
    for (const code of [ErrorCode.REQUEST_TIMEOUT, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.BAD_REQUEST]) {
      expect(format({ message: 'm', extensions: { code } }, undefined)).toEqual({
        message: 'm',
        extensions: { code },
      });
    }
    expect(format({ message: 'secret', extensions: { code: 'MADE_UP' } }, undefined)).toEqual({
      message: 'Internal server error',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    });
  });
});
