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

# DescribeCertificate (``CertificateDetail``): ``Status`` (only an ISSUED certificate serves HTTPS),
# ``Type`` and ``NotAfter``, the end of validity that DaysToExpiry counts down to.
CERTIFICATE_SOURCE = "https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html"
ISSUED = "ISSUED"
EXPIRED = "EXPIRED"
IMPORTED = "IMPORTED"
# Managed renewal: ACM renews the certificates it issued (DNS validation, in use by a load balancer or
# CloudFront) before they expire; it never renews an imported certificate ("NOT ELIGIBLE if imported"):
# that one is renewed by importing the new certificate into the same ARN.
RENEWAL_SOURCE = "https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html"
SECONDS_PER_DAY = 86400


def days_to_expiry(not_after, now) -> int:
    """Whole days from ``now`` to ``not_after`` (datetimes with a time zone), rounded down, as the
    tools compare it with the DaysToExpiry alarms' level. The metric page does not say how ACM rounds;
    rounding down never reports a certificate as safer than it is."""
    return int((not_after - now).total_seconds() // SECONDS_PER_DAY)


# "Certificates in ACM are regional resources. To use a certificate with Elastic Load Balancing ... in more
# than one AWS region, you must request or import a certificate for each region ... You cannot copy a
# certificate between regions"; CloudFront's come from us-east-1 only.
REGIONS_SOURCE = "https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html"
LOAD_BALANCER_CERTIFICATE_IN_ITS_REGION = True


def certificate_region(arn: str) -> str | None:
    """The region of an ACM certificate ARN (``arn:aws:acm:<region>:<account>:certificate/<id>``)."""
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[2] == "acm" and parts[3] else None
