/**
 * The people who own photos: a Cognito user pool, the API's default authorization. A user's
 * `sub` is the owner id under which their photos, people and face collection live.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';

export interface UsersProps {
  /**
   * Whether anyone may sign up; otherwise an administrator creates the users.
   * @default false
   */
  selfSignUp?: boolean;
  /**
   * `Mfa.REQUIRED` asks every user for a second factor (TOTP) at sign-in.
   * @default Mfa.OPTIONAL
   */
  mfa?: Mfa;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

export class Users extends Construct {
  readonly userPool: UserPool;
  /** A public client (no secret) for browser and mobile apps, and for the README's CLI. */
  readonly appClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: UsersProps = {}) {
    super(scope, id);
    const mfa = props.mfa ?? Mfa.OPTIONAL;

    this.userPool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: props.selfSignUp ?? false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Passwords and TOTP are all the product uses: the plan with the lowest price per user.
      featurePlan: FeaturePlan.LITE,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.appClient = this.userPool.addClient('AppClient', {
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    const plusPlan =
      'Threat protection needs the Plus feature plan, billed per active user; deployers who ' +
      'want it set featurePlan to PLUS.';
    acknowledge(this.userPool, 'AwsSolutions-COG3', plusPlan);
    acknowledge(this.userPool, 'AwsSolutions-COG8', plusPlan);
    if (mfa !== Mfa.REQUIRED) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG2',
        'MFA (TOTP) is offered to every user; the `mfa` prop makes it required.',
      );
    }
  }
}
