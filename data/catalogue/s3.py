"""S3 facts the estate model enforces: lifecycle transition minimums and what an access-log target may be.

Sources (read at awsdocs/amazon-s3-userguide@cc53dd6a44):
- Transitioning objects, general considerations:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
  current objects go to S3 Standard-IA or One Zone-IA only once at least 30 days old; "Similarly, if you are
  transitioning noncurrent objects (in versioned buckets), you can transition only objects that are at least
  30 days noncurrent to S3 Standard-IA or S3 One Zone-IA storage".
- Enabling server access logging:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
  "S3 buckets with S3 Object Lock can't be used as destination buckets for server access logs"; the target must
  have no Object Lock and no default retention, and use SSE-S3 default encryption.
"""

from __future__ import annotations

LIFECYCLE_TRANSITION_SOURCE = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html"
)
ACCESS_LOGGING_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
INFREQUENT_ACCESS_CLASSES = ("STANDARD_IA", "ONEZONE_IA")
INFREQUENT_ACCESS_MIN_DAYS = 30  # current objects' age, and noncurrent objects' days noncurrent
ACCESS_LOG_TARGET_OBJECT_LOCK = False
