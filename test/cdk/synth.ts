/**
 * One synthesis of the CDK app for a test file: assets are not built (no esbuild, no npm, no
 * network), cdk-nag runs as it does for `npm run synth`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createFaceGroupsApp } from '../../cdk/face-groups-app.ts';
import type { FaceGroupsStack } from '../../cdk/face-groups-stack.ts';

export interface Synthesized {
  stack: FaceGroupsStack;
  template: Template;
  outdir: string;
  remove(): void;
}

/** Throws, as `cdk synth` fails, when cdk-nag reports an unacknowledged finding. */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'face-groups-cdk-'));
  const { app, stack } = createFaceGroupsApp({ outdir, context, skipBundling: true });
  app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    outdir,
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The statements of every inline policy attached to the role with this logical id prefix. */
export function statementsOfRole(template: Template, roleIdPrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = policy.Properties.Roles as { Ref: string }[];
    if (!roles.some((role) => role.Ref.startsWith(roleIdPrefix))) continue;
    statements.push(...(policy.Properties.PolicyDocument.Statement as Statement[]));
  }
  return statements;
}

export function actionsOf(statements: Statement[]): Set<string> {
  return new Set(statements.flatMap((statement) => [statement.Action].flat()));
}
