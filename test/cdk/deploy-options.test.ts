import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from './synth.ts';

/** Every option a deployer can set with `-c name=value`, at once, in a region-bound stack. */
const OPTIONS = {
  apiKey: 'true',
  retainData: 'false',
  requireMfa: 'true',
  selfSignUp: 'true',
  rekognitionTps: '50',
  matchThreshold: '85',
  allowedOrigins: 'https://photos.example.com,https://admin.example.com',
  alarmEmail: 'ops@example.com',
  reclusterIntervalMinutes: '15',
  reclusterQuietSeconds: '600',
  stackName: 'FaceGroupsDev',
};

let synthesized: Synthesized;
let template: Template;

beforeAll(() => {
  process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
  process.env.CDK_DEFAULT_REGION = 'eu-west-1';
  try {
    synthesized = synthesize(OPTIONS);
  } finally {
    delete process.env.CDK_DEFAULT_ACCOUNT;
    delete process.env.CDK_DEFAULT_REGION;
  }
  template = synthesized.template;
});

afterAll(() => synthesized?.remove());

describe('deployment options (CDK context)', () => {
  it('synthesize with no unacknowledged cdk-nag finding in a stack bound to a region', () => {
    expect(synthesized.stack.region).toBe('eu-west-1');
    expect(synthesized.stack.stackName).toBe('FaceGroupsDev');
  });

  it('add a development API key that expires', () => {
    template.resourceCountIs('AWS::AppSync::ApiKey', 1);
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AdditionalAuthenticationProviders: [
        { AuthenticationType: 'AWS_IAM' },
        { AuthenticationType: 'API_KEY' },
      ],
    });
    const key = Object.values(template.findResources('AWS::AppSync::ApiKey'))[0]!;
    expect(key.Properties.Expires).toBeGreaterThan(Date.now() / 1000);
  });

  it('let the data go with the stack when retainData is false', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::Cognito::UserPool']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy, type).toBe('Delete');
      }
    }
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('size the ingestion to a higher Rekognition quota and set the match threshold', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 16 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MATCH_THRESHOLD: '85',
          COLLECTION_PREFIX: 'FaceGroupsDev-',
        }),
      },
    });
  });

  it('re-cluster less often, after a longer quiet period, with more searches at a time', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 900,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          RECLUSTER_QUIET_SECONDS: '600',
          RECLUSTER_SEARCH_CONCURRENCY: '2',
          MATCH_THRESHOLD: '85',
        }),
      },
    });
  });

  it('require MFA, allow sign-up, restrict CORS origins and mail the alarms', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: ['https://photos.example.com', 'https://admin.example.com'],
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
