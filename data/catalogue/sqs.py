"""Amazon SQS: the metrics of a queue (namespace ``AWS/SQS``, dimension ``QueueName``), what an Elastic
Beanstalk worker environment's queue and its dead-letter queue are watched with.

SQS sends its metrics to CloudWatch every minute for active queues; a queue that is empty and idle
for about six hours goes inactive and stops publishing until it is used again.
Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/SQS"
SOURCE = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html"
QUEUE = ("QueueName",)
PUBLISHING_PERIOD = 60

AGE_OF_OLDEST_MESSAGE = Metric(
    NAMESPACE, "ApproximateAgeOfOldestMessage", "Seconds", QUEUE, PUBLISHING_PERIOD, SOURCE,
    description="age of the oldest message not yet deleted from the queue",
)
MESSAGES_VISIBLE = Metric(
    NAMESPACE, "ApproximateNumberOfMessagesVisible", "Count", QUEUE, PUBLISHING_PERIOD, SOURCE,
    description="messages available for retrieval from the queue",
)

# Queue attributes (CreateQueue): VisibilityTimeout 0 to 43,200 s; the redrive policy's maxReceiveCount
# (receives before a message moves to the dead-letter queue) 1 to 1,000.
ATTRIBUTES_SOURCE = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
VISIBILITY_TIMEOUT_MAX = 43_200
MAX_RECEIVE_COUNT_RANGE = (1, 1_000)
QUEUE_NAME_MAX = 80  # letters, digits, hyphens and underscores
NOTE = ("The stored documentation search returned neither this metrics page nor CreateQueue's text: the metric"
        " names, unit, dimension and ranges above are AWS's as commonly documented; confirm against the pages.")


def queue_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account_id}:{name}"
