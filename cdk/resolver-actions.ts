/**
 * The IAM actions a DynamoDB data source needs, read from the bundled code of the resolvers
 * that use it: each APPSYNC_JS request names its operation as a string literal.
 */

/** Each operation of AppSync's DynamoDB resolver protocol, and the IAM actions it takes. */
const ACTIONS_BY_OPERATION: Record<string, string[]> = {
  GetItem: ['GetItem'],
  PutItem: ['PutItem'],
  UpdateItem: ['UpdateItem'],
  DeleteItem: ['DeleteItem'],
  Query: ['Query'],
  Scan: ['Scan'],
  Sync: ['Scan', 'Query'],
  BatchGetItem: ['BatchGetItem'],
  BatchPutItem: ['BatchWriteItem'],
  BatchDeleteItem: ['BatchWriteItem'],
  TransactGetItems: ['GetItem'],
  TransactWriteItems: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
};

const OPERATION_LITERAL = /operation\s*:\s*["'`](\w+)["'`]/g;

/** `dynamodb:*` actions for the operations the given code performs, sorted. */
export function dynamoDbActionsOf(codes: readonly string[]): string[] {
  const actions = new Set<string>();
  for (const code of codes) {
    for (const [, operation] of code.matchAll(OPERATION_LITERAL)) {
      for (const action of ACTIONS_BY_OPERATION[operation ?? ''] ?? []) {
        actions.add(`dynamodb:${action}`);
      }
    }
  }
  return [...actions].sort();
}
