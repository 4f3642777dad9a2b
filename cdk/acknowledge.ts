/**
 * Acknowledges a cdk-nag finding on a construct and everything under it, with the reason it is
 * accepted. cdk-nag 3 reads these from CDK's own `Validations` acknowledgments.
 */
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
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

/** How cdk-nag names a resource `<logical id of the resource>.Arn` followed by `suffix`. */
export function arnFinding(resource: IConstruct, suffix: string): string {
  const element = resource.node.defaultChild;
  if (!(element instanceof CfnElement)) {
    throw new RangeError(`${resource.node.path} has no CloudFormation resource`);
  }
  const logicalId = Stack.of(element).resolve(element.logicalId) as string;
  return `Resource::<${logicalId}.Arn>${suffix}`;
}

/** The wildcard of X-Ray's write actions, which name no resource. */
export const XRAY_FINDING = 'Resource::*';
