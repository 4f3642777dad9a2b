/**
 * What an operator watches: a dashboard of the ingestion's metrics and an alarm, sent to a
 * topic, whenever a photo lands in the dead-letter queue, the ingestion Lambda fails, or a
 * scheduled re-clustering fails.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import { INGESTION_METRICS, INGESTION_SERVICE, METRICS_NAMESPACE } from '../model/metrics.ts';

export interface ObservabilityProps {
  ingestionFunction: IFunction;
  ingestionQueue: IQueue;
  deadLetterQueue: IQueue;
  /** The scheduled re-clustering, alarmed on when a run fails. @default - none */
  reclusteringFunction?: IFunction;
  /** An address subscribed to the alarms (it must confirm). @default - no subscription */
  alarmEmail?: string;
  /** @default - a name CloudFormation generates */
  dashboardName?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

function ingestionMetric(metricName: string, label: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: INGESTION_SERVICE },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label,
  });
}

export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly deadLettersAlarm: Alarm;
  readonly ingestionErrorsAlarm: Alarm;
  readonly reclusteringErrorsAlarm?: Alarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);

    this.alarmTopic = new Topic(this, 'Alarms', { enforceSSL: true });
    acknowledge(
      this.alarmTopic,
      'AwsSolutions-SNS2',
      'The topic carries alarm states only, no photo or person data; with an AWS-managed key ' +
        'CloudWatch could not publish to it.',
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);

    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      statistic: 'Maximum',
    });
    this.deadLettersAlarm = this.alarm('DeadLetters', deadLetters, {
      description:
        'Photos failed ingestion three times and wait in the dead-letter queue. Read the ' +
        'ingestion logs for their photoId, fix the cause, then redrive the queue (README).',
      notify,
    });

    const errors = props.ingestionFunction.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
    this.ingestionErrorsAlarm = this.alarm('IngestionErrors', errors, {
      description:
        'The ingestion Lambda failed a whole invocation (a crash or a timeout), not one photo.',
      notify,
    });

    if (props.reclusteringFunction) {
      this.reclusteringErrorsAlarm = this.alarm(
        'ReclusteringErrors',
        props.reclusteringFunction.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        {
          description:
            'A scheduled re-clustering failed: an owner could not be regrouped (the log names ' +
            'it; it stays due and is tried again at the next run), or the run timed out.',
          notify,
        },
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new GraphWidget({
            title: 'Photos',
            left: [
              ingestionMetric(INGESTION_METRICS.photosProcessed, 'Processed'),
              ingestionMetric(INGESTION_METRICS.photosFailed, 'Failed'),
            ],
          }),
          new GraphWidget({
            title: 'Faces and new people',
            left: [
              ingestionMetric(INGESTION_METRICS.faces, 'Faces'),
              ingestionMetric(INGESTION_METRICS.newPeople, 'New people'),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Queues',
            left: [
              props.ingestionQueue.metricApproximateNumberOfMessagesVisible({
                period: FIVE_MINUTES,
                label: 'Waiting photos',
              }),
              deadLetters.with({ label: 'Photos in the dead-letter queue' }),
            ],
          }),
          new GraphWidget({
            title: 'Ingestion Lambda',
            left: [errors, props.ingestionFunction.metricThrottles({ period: FIVE_MINUTES })],
            right: [props.ingestionFunction.metricDuration({ period: FIVE_MINUTES })],
          }),
        ],
      ],
    });
  }

  private alarm(
    id: string,
    metric: IMetric,
    options: { description: string; notify: SnsAction },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(options.notify);
    alarm.addOkAction(options.notify);
    return alarm;
  }
}
