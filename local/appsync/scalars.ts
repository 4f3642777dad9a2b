/**
 * AppSync's scalars, checked as AppSync checks them: a value of the wrong form is refused on
 * the way in and on the way out.
 */
import { GraphQLError, Kind, type GraphQLScalarType, type ValueNode } from 'graphql';

interface ScalarRules {
  /** Whether a value (from a variable, a literal or a resolver) has the scalar's form. */
  accepts(value: unknown): boolean;
  /** The value resolvers see for a valid input. */
  parse?(value: unknown): unknown;
  /** The value clients see for a valid output. */
  serialize?(value: unknown): unknown;
}

const OFFSET = '(Z|[+-]\\d{2}(:\\d{2}(:\\d{2})?)?)';
const pattern = (source: string) => {
  const regex = new RegExp(`^${source}$`);
  return (value: unknown) => typeof value === 'string' && regex.test(value);
};

function isJson(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

const rules: Record<string, ScalarRules> = {
  AWSDate: { accepts: pattern(`\\d{4}-\\d{2}-\\d{2}${OFFSET}?`) },
  AWSTime: { accepts: pattern(`\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?${OFFSET}?`) },
  AWSDateTime: {
    accepts: pattern(`\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?${OFFSET}`),
  },
  AWSTimestamp: { accepts: (value) => Number.isInteger(value) },
  AWSEmail: { accepts: pattern('[^@\\s]+@[^@\\s]+\\.[^@\\s]+') },
  AWSPhone: { accepts: pattern('\\+?[0-9 ()-]{3,}') },
  AWSIPAddress: { accepts: pattern('[0-9a-fA-F:.]+(/\\d{1,3})?') },
  AWSURL: { accepts: isUrl },
  AWSJSON: {
    accepts: (value) => isJson(value) || (value !== undefined && typeof value !== 'string'),
    parse: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  },
};

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.INT:
      return Number.parseInt(node.value, 10);
    case Kind.FLOAT:
      return Number.parseFloat(node.value);
    case Kind.BOOLEAN:
      return node.value;
    default:
      return undefined;
  }
}

/** Gives the AWS scalars of a schema built from `appsync.graphql` their behaviour. */
export function defineAwsScalar(type: GraphQLScalarType): void {
  const rule = rules[type.name];
  if (!rule) return;
  const refuse = (value: unknown) =>
    new GraphQLError(`Invalid ${type.name} value: ${JSON.stringify(value)}`);
  const parse = (value: unknown) => {
    if (!rule.accepts(value)) throw refuse(value);
    return rule.parse ? rule.parse(value) : value;
  };
  Object.assign(type, {
    parseValue: parse,
    parseLiteral: (node: ValueNode) => parse(literalValue(node)),
    serialize: (value: unknown) => {
      if (!rule.accepts(value)) throw refuse(value);
      return rule.serialize ? rule.serialize(value) : value;
    },
  });
}
