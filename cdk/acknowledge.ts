/**
 * Acknowledges a cdk-nag finding on a construct and everything under it, with the reason it is
 * accepted. cdk-nag 3 reads these from CDK's own `Validations` acknowledgments.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * With `findings`, only those findings of the rule (for example `Resource::*` of
 * `AwsSolutions-IAM5`) are acknowledged; other findings of the rule still fail the synth.
 */
export function acknowledge(
  scope: IConstruct,
  ruleId: string,
  reason: string,
  findings?: readonly string[],
): void {
  if (!findings) {
    Validations.of(scope).acknowledge({ id: ruleId, reason });
    return;
  }
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `${ruleId}[${finding}]`, reason });
  }
}

/**
 * The finding cdk-nag reports for a wildcard resource: the ARN as the template has it, with
 * `Ref`s as `<Name>` and `Fn::GetAtt`s as `<LogicalId.Attribute>`.
 */
export function resourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flatten(Stack.of(scope).resolve(arn))}`;
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if (Array.isArray(intrinsic['Fn::Join'])) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  if (Array.isArray(intrinsic['Fn::GetAtt'])) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    return `<${logicalId}.${attribute}>`;
  }
  if (typeof intrinsic.Ref === 'string') return `<${intrinsic.Ref}>`;
  return JSON.stringify(value);
}

/** The wildcard of X-Ray's write actions, which name no resource. */
export const XRAY_FINDING = 'Resource::*';
