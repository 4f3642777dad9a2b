import { util, type Context, type DynamoDBUpdateItemRequest } from '@aws-appsync/utils';
import type { MutationRenamePersonArgs } from '../generated/graphql.ts';
import type { PersonRecord } from '../model/domain.ts';
import { fail, raiseDataSourceError } from './lib/errors.ts';
import { callerOwnerId } from './lib/owner.ts';

const MAX_NAME_LENGTH = 200;

type RenameContext = Context<MutationRenamePersonArgs>;

export function request(ctx: RenameContext): DynamoDBUpdateItemRequest {
  const name = (ctx.args.name ?? '').trim();
  if (name.length > MAX_NAME_LENGTH) {
    fail('BAD_REQUEST', `A name has at most ${MAX_NAME_LENGTH} characters`);
  }
  const values: Record<string, string> = { ':updatedAt': util.time.nowISO8601() };
  let expression = 'SET updatedAt = :updatedAt REMOVE #name';
  if (name !== '') {
    expression = 'SET #name = :name, updatedAt = :updatedAt';
    values[':name'] = name;
  }
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ ownerId: callerOwnerId(ctx), personId: ctx.args.personId }),
    update: {
      expression,
      expressionNames: { '#name': 'name' },
      expressionValues: util.dynamodb.toMapValues(values),
    },
    condition: { expression: 'attribute_exists(personId)' },
  };
}

export function response(ctx: RenameContext): PersonRecord {
  if (ctx.error?.type === 'DynamoDB:ConditionalCheckFailedException') {
    fail('PERSON_NOT_FOUND', `No person ${ctx.args.personId}`);
  }
  raiseDataSourceError(ctx);
  return ctx.result;
}
