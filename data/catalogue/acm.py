"""AWS Certificate Manager metrics (namespace ``AWS/CertificateManager``).

``DaysToExpiry``: days until a certificate expires, by the dimension ``CertificateArn``, published once a
day for each certificate (ACM stops publishing it once the certificate has expired), in the
certificate's own region. A load balancer's certificate lives in the load balancer's region; a
CloudFront certificate in us-east-1.
Source: https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/CertificateManager"
SOURCE = "https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html"
PUBLISHING_PERIOD = 86400  # daily

DAYS_TO_EXPIRY = Metric(
    NAMESPACE, "DaysToExpiry", "Count", ("CertificateArn",), PUBLISHING_PERIOD, SOURCE,
    description="days until the certificate expires",
    note="The page gives the metric and its dimension; the unit (Count) is how CloudWatch reports it, not stated there.",
)
