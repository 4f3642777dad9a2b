/**
 * The DynamoDB tables, built from the definitions in `model/tables.ts` that the local stack also
 * builds from: keys and indexes are written once.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type Attribute,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  appearancesTable,
  leasesTable,
  peopleTable,
  photosTable,
  tables,
  type KeyAttribute,
  type TableDefinition,
} from '../model/tables.ts';

export interface TablesProps {
  /**
   * With `RETAIN` the tables also get deletion protection: neither a stack deletion nor a
   * console click drops an owner's people. The clean-up script lifts it on purpose.
   * @default RemovalPolicy.RETAIN
   */
  removalPolicy?: RemovalPolicy;
}

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING };
}

export class Tables extends Construct {
  readonly photos: Table;
  readonly people: Table;
  readonly appearances: Table;
  readonly leases: Table;

  constructor(scope: Construct, id: string, props: TablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const build = (definition: TableDefinition, constructId: string): Table => {
      const table = new Table(this, constructId, {
        partitionKey: attribute(definition.partitionKey),
        sortKey: attribute(definition.sortKey),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // A key of the account's own (aws/dynamodb): its use shows in CloudTrail.
        encryption: TableEncryption.AWS_MANAGED,
        deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
        removalPolicy,
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: attribute(index.sortKey),
          projectionType: ProjectionType.ALL,
        });
      }
      return table;
    };
    this.photos = build(photosTable, 'Photos');
    this.people = build(peopleTable, 'People');
    this.appearances = build(appearancesTable, 'Appearances');
    this.leases = build(leasesTable, 'Leases');
  }

  /** The table built from a definition of `model/tables.ts`. */
  table(definition: TableDefinition): Table {
    return this[definition.id];
  }

  /** Every table's name under the environment variable functions read it from. */
  environment(): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const definition of tables) {
      environment[definition.envName] = this.table(definition).tableName;
    }
    return environment;
  }
}

/** Lets a function make exactly these DynamoDB calls (`GetItem`, `Query`, ...) on one table. */
export function grantTableActions(grantee: IFunction, table: ITable, actions: string[]): void {
  grantee.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((action) => `dynamodb:${action}`),
      resources: [table.tableArn],
    }),
  );
}
