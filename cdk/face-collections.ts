/** The Rekognition face collections of one deployment: one per owner, named by a prefix. */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The ARN pattern of every face collection of this deployment. */
export function faceCollectionsArn(scope: IConstruct, collectionPrefix: string): string {
  return Stack.of(scope).formatArn({
    service: 'rekognition',
    resource: 'collection',
    resourceName: `${collectionPrefix}*`,
  });
}
