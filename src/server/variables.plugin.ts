/**
 * Variable problems, all at once and with a fix. graphql-js coerces variables itself, but its messages
 * name no field in `extensions` and say only what is wrong ("String cannot represent a non string value",
 * "Value … does not exist in … enum"). This plugin checks the variables of an operation that takes an input
 * object or an enum before it runs, with graphql-js's own coercion (so it accepts exactly what execution
 * accepts), and refuses the request with one BAD_USER_INPUT listing every problem of every variable:
 * `extensions.field` names the first (`input.eventGroupId`, `inputs.1.data`), `extensions.problems` all of
 * them (`{field, message}`), each message saying what to send instead. Where a type has rules of its own
 * (`inputChecks`, e.g. SendEventInput's), their problems are listed too, so one round trip shows all.
 * Operations whose variables are all scalars skip the check: graphql-js's own answer is clear there.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import {
  coerceInputValue,
  getNamedType,
  type GraphQLError,
  isEnumType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { problemsError, type FieldProblem } from '../graph/sendEvent.validation.js';

/** The rules of one input object type beyond its GraphQL type, on the raw value (`field` names it). */
export type InputCheck = (value: Readonly<Record<string, unknown>>, field: string) => FieldProblem[];

/**
 * What {@link variablesPlugin} checks beyond GraphQL coercion, and whether its messages may list allowed
 * enum values.
 */
export interface VariablesPluginOptions {
  /** Per input object type name. */
  readonly inputChecks?: Readonly<Record<string, InputCheck>>;
  /** Production mode: no list of allowed enum values (the schema stays unadvertised). */
  readonly production: boolean;
}

type Path = readonly (string | number)[];

const fieldName = (variable: string, path: Path): string => [variable, ...path].join('.');

/** The type at `path` inside `type`, unwrapped of non-null. */
function typeAt(type: GraphQLInputType, path: Path): GraphQLInputType | undefined {
  let current: GraphQLInputType | undefined = type;
  for (const step of path) {
    if (current && isNonNullType(current)) current = current.ofType;
    if (current && isListType(current) && typeof step === 'number') current = current.ofType;
    else if (current && isInputObjectType(current) && typeof step === 'string')
      current = current.getFields()[step]?.type;
    else return undefined;
  }
  return current && isNonNullType(current) ? current.ofType : current;
}

const spelling = (text: string): string =>
  text
    .replace(/^scn\.data\./i, '')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();

/** One coercion problem as the client should read it. */
function describe(
  variable: string,
  root: GraphQLInputType,
  path: Path,
  invalid: unknown,
  error: GraphQLError,
  production: boolean,
): FieldProblem {
  // graphql-js reports a missing or unknown field on the object that should (not) hold it.
  const missing = /^Field "(\w+)" of required type "(.+)" was not provided\.$/.exec(error.message);
  if (missing) {
    const [, name, typeName] = missing;
    return { field: fieldName(variable, [...path, name!]), message: `is required (${typeName})` };
  }
  const unknown = /^Field "(\w+)" is not defined by type "(\w+)"\.(.*)$/.exec(error.message);
  if (unknown) {
    const [, name, typeName, suggestion] = unknown;
    return {
      field: fieldName(variable, [...path, name!]),
      message: `is not a field of ${typeName}: remove it.${production ? '' : suggestion}`,
    };
  }
  const field = fieldName(variable, path);
  const type = typeAt(root, path);
  if (type && isEnumType(type)) {
    const given = typeof invalid === 'string' ? invalid : JSON.stringify(invalid);
    const match = type.getValues().find((v) => spelling(v.name) === spelling(given));
    if (match) {
      const aws = /^scn\.data\./i.test(given)
        ? ` ${JSON.stringify(given)} is the AWS spelling; GraphQL drops the scn.data. prefix:`
        : '';
      return {
        field,
        message: `is not a ${type.name} value.${aws} use ${match.name}`,
      };
    }
    return {
      field,
      message: `${JSON.stringify(given)} is not a ${type.name} value${
        production
          ? ''
          : `: use one of ${type
              .getValues()
              .map((v) => v.name)
              .join(', ')}`
      }`,
    };
  }
  if (type && getNamedType(type).name === 'String' && typeof invalid === 'object' && invalid !== null) {
    return {
      field,
      message: `must be a String, not ${Array.isArray(invalid) ? 'an array' : 'an object'}: this field takes JSON text, so send the value stringified (JSON.stringify(value) in JavaScript, json.dumps(value) in Python)`,
    };
  }
  return { field, message: error.message.replace(/^Expected value of type "[^"]+", found [^;]*; /, '') };
}

/** Every input object of `typeName` inside a value of `type`, with its path. */
function objectsOf(
  value: unknown,
  type: GraphQLInputType,
  typeName: string,
  path: Path,
): { value: Readonly<Record<string, unknown>>; path: Path }[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return [];
  if (isListType(inner)) {
    const items = Array.isArray(value) ? value : [value];
    return items.flatMap((item, i) =>
      objectsOf(item, inner.ofType, typeName, Array.isArray(value) ? [...path, i] : path),
    );
  }
  if (!isInputObjectType(inner) || typeof value !== 'object' || Array.isArray(value)) return [];
  const record = value as Readonly<Record<string, unknown>>;
  if (inner.name === typeName) return [{ value: record, path }];
  return Object.entries(inner.getFields()).flatMap(([name, f]) =>
    objectsOf(record[name], f.type, typeName, [...path, name]),
  );
}

/** True when an operation takes a variable of an input object or enum type (cached per document). */
const checked = new WeakMap<OperationDefinitionNode, boolean>();
function needsCheck(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  let needs = checked.get(operation);
  if (needs === undefined) {
    needs = (operation.variableDefinitions ?? []).some((def) => {
      const type = typeFromAST(schema, def.type as never);
      const named = type && getNamedType(type);
      return named !== undefined && (isInputObjectType(named) || isEnumType(named));
    });
    checked.set(operation, needs);
  }
  return needs;
}

/** Every problem with the variables of `operation`; empty when execution will accept them. */
export function variableProblems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  options: VariablesPluginOptions,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const values: { name: string; type: GraphQLInputType; value: unknown }[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type as never);
    if (!type || !isInputType(type)) continue;
    const name = def.variable.name.value;
    if (!Object.hasOwn(variables, name)) {
      if (isNonNullType(type) && !def.defaultValue)
        problems.push({ field: name, message: `is required (${String(type)}): add it to the variables` });
      continue;
    }
    const value = variables[name];
    if (value === null && isNonNullType(type)) {
      problems.push({ field: name, message: `must not be null (${String(type)})` });
      continue;
    }
    values.push({ name, type, value });
    coerceInputValue(value, type, (path, invalid, error) =>
      problems.push(describe(name, type, path, invalid, error, options.production)),
    );
  }
  if (problems.length === 0) return problems;
  // The type's own rules, for the fields that coerced: listed with the rest, so one round trip shows all.
  const named = problems.map((p) => p.field);
  const overlaps = (field: string): boolean =>
    named.some((n) => n === field || n.startsWith(`${field}.`) || field.startsWith(`${n}.`));
  for (const [typeName, check] of Object.entries(options.inputChecks ?? {})) {
    for (const { name, type, value } of values) {
      for (const object of objectsOf(value, type, typeName, [])) {
        for (const problem of check(object.value, fieldName(name, object.path)))
          if (!overlaps(problem.field)) problems.push(problem);
      }
    }
  }
  return problems;
}

/**
 * The variables plugin (see above): refuses an operation whose variables do not coerce, or break an
 * `inputChecks` rule, with one BAD_USER_INPUT listing every problem before it runs.
 */
export function variablesPlugin<C extends BaseContext>(
  options: VariablesPluginOptions,
): ApolloServerPlugin<C> {
  const listener: GraphQLRequestListener<C> = {
    async didResolveOperation({ request, operation, schema }) {
      if (!operation || !needsCheck(schema, operation)) return;
      const problems = variableProblems(schema, operation, request.variables ?? {}, options);
      if (problems.length === 0) return;
      const error = problemsError(problems);
      error.extensions['http'] = { status: 400 };
      throw error;
    },
  };
  return { requestDidStart: async () => listener };
}
