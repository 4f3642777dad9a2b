/**
 * `util.transform`: filter objects (`{ title: { contains: 'x' }, or: [...] }`) turned into
 * DynamoDB expressions and into enhanced subscription filters, and the evaluation of those
 * subscription filters against a published payload.
 */
import { toDynamoDB, type TypedValue } from './dynamodb-values.ts';

type FilterObject = Record<string, unknown>;

export interface DynamoDBExpression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, TypedValue>;
}

const COMPARISONS: Record<string, string> = {
  eq: '=',
  ne: '<>',
  le: '<=',
  lt: '<',
  ge: '>=',
  gt: '>',
};

class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, TypedValue> = {};
  private counter = 0;

  name(field: string): string {
    const placeholder = `#${field.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[placeholder] = field;
    return placeholder;
  }

  value(field: string, operator: string, value: unknown): string {
    this.counter += 1;
    const placeholder = `:${field.replace(/[^A-Za-z0-9_]/g, '_')}_${operator}_${this.counter}`;
    this.values[placeholder] = toDynamoDB(value);
    return placeholder;
  }

  condition(field: string, operator: string, operand: unknown): string {
    const name = this.name(field);
    const comparison = COMPARISONS[operator];
    if (comparison) return `(${name} ${comparison} ${this.value(field, operator, operand)})`;
    switch (operator) {
      case 'contains':
        return `(contains(${name}, ${this.value(field, operator, operand)}))`;
      case 'notContains':
        return `(NOT contains(${name}, ${this.value(field, operator, operand)}))`;
      case 'beginsWith':
        return `(begins_with(${name}, ${this.value(field, operator, operand)}))`;
      case 'between': {
        const [low, high] = operand as [unknown, unknown];
        const from = this.value(field, 'between', low);
        return `(${name} BETWEEN ${from} AND ${this.value(field, 'between', high)})`;
      }
      case 'in': {
        const options = (operand as unknown[]).map((option) => this.value(field, 'in', option));
        return `(${name} IN (${options.join(', ')}))`;
      }
      case 'attributeExists':
        return operand ? `(attribute_exists(${name}))` : `(attribute_not_exists(${name}))`;
      case 'attributeType':
        return `(attribute_type(${name}, ${this.value(field, operator, operand)}))`;
      default:
        throw new TypeError(`Unknown filter operator ${operator}`);
    }
  }

  build(filter: FilterObject): string {
    const parts: string[] = [];
    for (const [key, operand] of Object.entries(filter)) {
      if (operand === undefined || operand === null) continue;
      if (key === 'and' || key === 'or') {
        const members = (operand as FilterObject[]).map((member) => this.build(member));
        parts.push(`(${members.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        parts.push(`(NOT ${this.build(operand as FilterObject)})`);
      } else {
        for (const [operator, value] of Object.entries(operand as FilterObject)) {
          parts.push(this.condition(key, operator, value));
        }
      }
    }
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }
}

export function toDynamoDBFilterExpression(filter: FilterObject): DynamoDBExpression | null {
  if (!filter || Object.keys(filter).length === 0) return null;
  const builder = new ExpressionBuilder();
  const expression = builder.build(filter);
  return { expression, expressionNames: builder.names, expressionValues: builder.values };
}

export interface SubscriptionFilterEntry {
  fieldName: string;
  operator: string;
  value: unknown;
}

export interface SubscriptionFilter {
  filterGroup: { filters: SubscriptionFilterEntry[] }[];
}

/** Alternatives, each a conjunction of entries. */
type Alternatives = SubscriptionFilterEntry[][];

function conjunction(left: Alternatives, right: Alternatives): Alternatives {
  return left.flatMap((a) => right.map((b) => [...a, ...b]));
}

function alternativesOf(filter: FilterObject, ignored: Set<string>): Alternatives {
  let result: Alternatives = [[]];
  for (const [key, operand] of Object.entries(filter)) {
    if (operand === undefined || operand === null || ignored.has(key)) continue;
    if (key === 'or') {
      const members = operand as FilterObject[];
      result = conjunction(
        result,
        members.flatMap((member) => alternativesOf(member, ignored)),
      );
    } else if (key === 'and') {
      for (const member of operand as FilterObject[]) {
        result = conjunction(result, alternativesOf(member, ignored));
      }
    } else {
      const entries = Object.entries(operand as FilterObject).map(([operator, value]) => [
        { fieldName: key, operator, value },
      ]);
      if (entries.length > 0) result = conjunction(result, entries);
    }
  }
  return result;
}

export function toSubscriptionFilter(
  filter: FilterObject,
  ignoredFields: string[] = [],
  rules?: FilterObject,
): SubscriptionFilter {
  const ignored = new Set(ignoredFields);
  let groups = alternativesOf(filter, ignored);
  if (rules && Object.keys(rules).length > 0) {
    groups = conjunction(
      groups,
      Object.entries(rules).flatMap(([field, operators]) =>
        alternativesOf({ [field]: operators }, new Set()),
      ),
    );
  }
  return { filterGroup: groups.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}

function valueAt(payload: unknown, path: string): unknown {
  let value = payload;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function entryMatches(entry: SubscriptionFilterEntry, payload: unknown): boolean {
  const actual = valueAt(payload, entry.fieldName);
  const expected = entry.value;
  const list = Array.isArray(expected) ? expected : [expected];
  switch (entry.operator) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'le':
      return (actual as number) <= (expected as number);
    case 'lt':
      return (actual as number) < (expected as number);
    case 'ge':
      return (actual as number) >= (expected as number);
    case 'gt':
      return (actual as number) > (expected as number);
    case 'contains':
      return Array.isArray(actual) || typeof actual === 'string'
        ? actual.includes(expected as string)
        : false;
    case 'notContains':
      return (
        !(Array.isArray(actual) || typeof actual === 'string') ||
        !actual.includes(expected as string)
      );
    case 'beginsWith':
      return typeof actual === 'string' && actual.startsWith(expected as string);
    case 'in':
      return list.includes(actual);
    case 'notIn':
      return !list.includes(actual);
    case 'between':
      return (actual as number) >= (list[0] as number) && (actual as number) <= (list[1] as number);
    case 'containsAny':
      return Array.isArray(actual) && actual.some((item) => list.includes(item));
    default:
      return false;
  }
}

/** A payload passes when every entry of at least one group holds. */
export function matchesSubscriptionFilter(filter: SubscriptionFilter, payload: unknown): boolean {
  if (filter.filterGroup.length === 0) return true;
  return filter.filterGroup.some((group) =>
    group.filters.every((entry) => entryMatches(entry, payload)),
  );
}
