"""The offline price table ``estate cost`` reads (issue 13 #2): on-demand list prices in USD, per region,
each with the pricing page it belongs to, where the figure was actually read, and the date it was read.

How far each figure is settled is its ``status``:
- ``read``: read on the pricing page itself (``source``), as stored for this project on ``READ_ON``;
- ``read-elsewhere``: read on another page quoting it (``read_on``: a calculator, a blog, a tracker),
  not on the AWS or MongoDB page, whose price tables the stored copies do not hold (they load by script);
- ``unverified``: written from knowledge of the pricing page, not read in any stored page: check it
  on ``source`` before relying on it;
- ``not-priced``: no figure: the charge varies with use (SMS by destination, load balancer capacity
  units, storage volume) or no page read gives it; the estimate says "not priced" rather than guessing.

Prices change: re-read each page and update ``usd``, ``status`` and ``READ_ON`` together.
A month is 730 hours (``HOURS_PER_MONTH``): 24 x 365 / 12, the figure the AWS Pricing Calculator turns
hourly prices into monthly ones with (infracost uses it too: infracost/infracost#1556).
"""

from __future__ import annotations

from dataclasses import dataclass

READ_ON = "2026-11-29"
HOURS_PER_MONTH = 730
HOURS_PER_MONTH_SOURCE = "the AWS Pricing Calculator's month, https://calculator.aws/ (infracost too: https://github.com/infracost/infracost/issues/1556)"
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
GLOBAL = "global"  # Route 53 health checks and budgets are not priced per region
REGIONS = ("eu-central-1", "eu-west-1", "us-east-1")  # the regions the estates use (data/catalogue/regions.py)

CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/"
ROUTE53 = "https://aws.amazon.com/route53/pricing/"
ELASTICACHE = "https://aws.amazon.com/elasticache/pricing/"
EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/"
EBS = "https://aws.amazon.com/ebs/pricing/"
ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/"
BEANSTALK = "https://aws.amazon.com/elasticbeanstalk/pricing/"
SECRETS_MANAGER = "https://aws.amazon.com/secrets-manager/pricing/"
SNS_SMS = "https://aws.amazon.com/sns/sms-pricing/"
BUDGETS = "https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/"
S3 = "https://aws.amazon.com/s3/pricing/"
ATLAS = "https://www.mongodb.com/pricing"
CLOUDFRONT_ADDITIONAL_METRICS = (
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/viewing-cloudfront-metrics.html"
    "#monitoring-console.distributions-additional"
)

# Pages the figures were read on when not the pricing page itself.
C3X_ALARMS = "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm"
CLOUDWATCH_JP_TRACKER = "https://github.com/nishinoshake/aws-rough/issues/37"
WEWANTCODE_ROUTE53 = "https://wewantcode.com/en/course/aws/lesson/7-84-health-checks-status-check.html"
HIVEBOOK_SECRETS = "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms"
DRAGONFLY_T3_MICRO = "https://dragonflydb.io/finops/elasticache/cache.t3.micro"
CAL53_ALB = "https://cal53.calculator.city/aws-alb-cost-calculator/"
BUDGETS_GUIDE = "http://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/budgets-managing-costs.html"
BEANSTALK_NO_CHARGE = "http://solutionsbyraymond.com/2017/04/04/aws-beanstalk-resources/"
T3_BLOG = "http://matthiaskraaz.blogspot.com/2021/08/aws-ec2-price-of-maxed-out-burstable.html"

STATUSES = ("read", "read-elsewhere", "unverified", "not-priced")


@dataclass(frozen=True)
class Price:
    """One unit price: ``usd`` per ``unit`` in ``region`` (None: not priced, ``note`` says why)."""

    key: str
    region: str
    usd: float | None
    unit: str
    source: str  # the pricing page the figure belongs to
    status: str
    read_on: str = ""  # the page the figure was read on, when not ``source``
    date_read: str = READ_ON
    note: str = ""

    @property
    def priced(self) -> bool:
        return self.usd is not None

    @property
    def cited(self) -> str:
        """Where to check the figure: the page read, then the pricing page."""
        return f"{self.read_on} (for {self.source})" if self.read_on else self.source


_TABLE: dict[tuple[str, str], Price] = {}


def _add(key: str, unit: str, source: str, status: str, by_region: dict[str, float | None], *, read_on: str = "",
         note: str = "", status_by_region: dict[str, str] | None = None) -> None:
    for region, usd in by_region.items():
        own_status = (status_by_region or {}).get(region, status)
        _TABLE[(key, region)] = Price(
            key, region, usd, unit, source, own_status, read_on if own_status == "read-elsewhere" else "", note=note,
        )


def _everywhere(usd: float | None) -> dict[str, float | None]:
    return {region: usd for region in REGIONS}


_US_ONLY_READ = {"eu-central-1": "unverified", "eu-west-1": "unverified"}
_SAME_IN_EU = "The European regions' figure is the us-east-1 one, from knowledge of the page (same list price there)."

# -- CloudWatch: alarms, dashboards, custom metrics ------------------------------------------------------
# Free tier read on CLOUDWATCH itself: "10 Alarm metrics (only applicable to Standard resolution alarms that
# list metrics directly and don't use a Metrics Insights query)", "3 Dashboards for up to 50 metrics per
# month", "10 Detailed Monitoring Metrics". Free allowances are per account, not per stack.
FREE_ALARM_METRICS = 10
FREE_DASHBOARDS = 3
FREE_CUSTOM_METRICS = 10
FREE_TIER_SOURCE = CLOUDWATCH
_add("cloudwatch.alarm-metric.standard", "alarm metric-month", CLOUDWATCH, "read-elsewhere", _everywhere(0.10),
     read_on=C3X_ALARMS, status_by_region=_US_ONLY_READ,
     note="Per metric the alarm reads: a metric-math alarm pays for each metric in its queries, not for the"
          " expression. " + _SAME_IN_EU)
_add("cloudwatch.alarm-metric.high-resolution", "alarm metric-month", CLOUDWATCH, "read-elsewhere", _everywhere(0.30),
     read_on=C3X_ALARMS, status_by_region=_US_ONLY_READ,
     note="A period of 10, 20 or 30 s makes the alarm high-resolution (PutMetricAlarm Period). " + _SAME_IN_EU)
_add("cloudwatch.alarm-metric.anomaly-detection", "alarm metric-month", CLOUDWATCH, "read-elsewhere", _everywhere(0.10),
     read_on=C3X_ALARMS, status_by_region=_US_ONLY_READ,
     note="An anomaly-detection alarm is billed as 3 standard alarm metrics (the metric and the band's two bounds).")
ANOMALY_DETECTION_METRICS = 3
_add("cloudwatch.alarm-metric.metrics-insights", "metric analysed-month", CLOUDWATCH, "unverified", _everywhere(0.10),
     note="A Metrics Insights alarm is billed per metric its query analyses (the free tier excludes it); the per-metric"
          " figure was not read in a stored page: check the Alarms tab of the pricing page.")
_add("cloudwatch.composite-alarm", "alarm-month", CLOUDWATCH, "read-elsewhere", _everywhere(0.50),
     read_on=C3X_ALARMS, status_by_region=_US_ONLY_READ, note=_SAME_IN_EU)
_add("cloudwatch.dashboard", "dashboard-month", CLOUDWATCH, "read-elsewhere", _everywhere(3.00),
     read_on=CLOUDWATCH_JP_TRACKER, status_by_region=_US_ONLY_READ,
     note=f"Beyond the free {FREE_DASHBOARDS} per account (free tier read on the pricing page). Dashboards are global:"
          " priced once, in the stack's region. " + _SAME_IN_EU)
_add("cloudwatch.custom-metric", "metric-month", CLOUDWATCH, "read-elsewhere", _everywhere(0.30),
     read_on=CLOUDWATCH_JP_TRACKER, status_by_region=_US_ONLY_READ,
     note="The first tier (up to 10,000 metrics); cheaper tiers above it. Elastic Beanstalk enhanced health's metrics"
          " other than EnvironmentHealth, and CloudFront's additional metrics, are billed as custom metrics. " + _SAME_IN_EU)
# CloudFront's additional metrics: cache hit rate, origin latency and the 401/403/404/502/503/504 error rates.
CLOUDFRONT_ADDITIONAL_METRIC_COUNT = 8
CLOUDFRONT_ADDITIONAL_METRICS_NOTE = (
    "8 additional metrics per distribution, billed as custom metrics in us-east-1: the count is from knowledge of"
    " the CloudFront page, unverified (the stored API references only say 'The additional metrics incur an"
    " additional cost')."
)

# -- Route 53 health checks (global) ---------------------------------------------------------------------
_add("route53.health-check.aws-endpoint", "health check-month", ROUTE53, "read-elsewhere", {GLOBAL: 0.50},
     read_on=WEWANTCODE_ROUTE53,
     note="An AWS endpoint: a resource in AWS in the health check's account. The first 50 AWS-endpoint checks may be"
          " free (unverified): not subtracted.")
_add("route53.health-check.non-aws-endpoint", "health check-month", ROUTE53, "read-elsewhere", {GLOBAL: 0.75},
     read_on=WEWANTCODE_ROUTE53)
_add("route53.health-check.option.aws-endpoint", "option-month", ROUTE53, "unverified", {GLOBAL: 1.00},
     note="Per optional feature (HTTPS, string matching, fast interval, latency measurement) per health check; the"
          " stored page only says 'plus extras for' them: check the Health checks table of the pricing page.")
_add("route53.health-check.option.non-aws-endpoint", "option-month", ROUTE53, "unverified", {GLOBAL: 2.00},
     note="Per optional feature per health check, non-AWS endpoint: check the pricing page.")

# -- Compute behind Elastic Beanstalk ---------------------------------------------------------------------
BEANSTALK_NOTE = (
    "Elastic Beanstalk itself costs nothing: 'There is no additional charge for Elastic Beanstalk - you pay only for"
    " the AWS resources needed to store and run your applications' (read on " + BEANSTALK_NO_CHARGE + ")."
)
_EC2_LINUX = {  # on-demand Linux, USD per instance-hour
    "t3.micro": (0.012, 0.0114, 0.0104), "t3.small": (0.024, 0.0228, 0.0208), "t3.medium": (0.048, 0.0456, 0.0416),
    "t3.large": (0.096, 0.0912, 0.0832), "t4g.micro": (0.0096, 0.0092, 0.0084), "t4g.small": (0.0192, 0.0184, 0.0168),
    "t4g.medium": (0.0384, 0.0368, 0.0336), "m5.large": (0.115, 0.107, 0.096), "m6g.large": (0.092, 0.086, 0.077),
}
for _type, _usd in _EC2_LINUX.items():
    _add(f"ec2.instance.{_type}", "instance-hour", EC2, "unverified", dict(zip(REGIONS, _usd)),
         note="On-demand Linux, from knowledge of the page (the stored copy has no price table); the t3 Frankfurt"
              f" figures match {T3_BLOG} (2021, region not named). " + BEANSTALK_NOTE)
_add("ebs.gp3", "GB-month", EBS, "unverified", dict(zip(REGIONS, (0.0952, 0.088, 0.08))),
     note="gp3 root volumes at their baseline IOPS and throughput (no extra); from knowledge of the page.")
_add("elb.application.hour", "load balancer-hour", ELB, "read-elsewhere", dict(zip(REGIONS, (0.027, 0.0252, 0.0225))),
     read_on=CAL53_ALB, status_by_region={"eu-central-1": "unverified"},
     note="The hourly charge only: capacity units (LCU-hours) follow the traffic and are not priced.")
_add("elb.lcu", "LCU-hour", ELB, "not-priced", _everywhere(None),
     note="Load balancer capacity units depend on connections, bytes and rule evaluations: not priced.")

# -- ElastiCache nodes (on-demand, per node-hour) -----------------------------------------------------------
_CACHE_NODES = {
    "cache.t3.micro": (0.019, 0.018, 0.017), "cache.t3.small": (0.038, 0.036, 0.034), "cache.t3.medium": (0.076, 0.072, 0.068),
    "cache.t4g.micro": (0.018, 0.017, 0.016), "cache.t4g.small": (0.036, 0.034, 0.032),
    "cache.t4g.medium": (0.073, 0.068, 0.065), "cache.m6g.large": (0.168, 0.158, 0.149), "cache.r6g.large": (0.232, 0.22, 0.206),
}
for _type, _usd in _CACHE_NODES.items():
    _read_us = _type == "cache.t3.micro"
    _add(f"elasticache.node.{_type}", "node-hour", ELASTICACHE, "read-elsewhere" if _read_us else "unverified",
         dict(zip(REGIONS, _usd)), read_on=DRAGONFLY_T3_MICRO if _read_us else "",
         status_by_region=_US_ONLY_READ if _read_us else None,
         note="Redis OSS on-demand node; from knowledge of the page except where read. Backup storage beyond one"
              " snapshot and data transfer are not priced.")

# -- Secrets Manager ---------------------------------------------------------------------------------------
_add("secretsmanager.secret", "secret-month", SECRETS_MANAGER, "read-elsewhere", _everywhere(0.40),
     read_on=HIVEBOOK_SECRETS, status_by_region=_US_ONLY_READ,
     note="API calls ($0.05 per 10,000) are not priced. " + _SAME_IN_EU)
_add("secretsmanager.replica", "replica-month", SECRETS_MANAGER, "unverified", _everywhere(0.40),
     note="A replica secret is billed as a secret in its region: from knowledge of the page, check it.")

# -- SNS SMS, S3, budgets ------------------------------------------------------------------------------------
_add("sns.sms", "message", SNS_SMS, "not-priced", _everywhere(None),
     note="Per message, by destination country and message type: not priced. The account's SMS spend limit"
          " (SmsPreferences monthlySpendLimit) is the ceiling.")
_add("s3.storage", "GB-month", S3, "not-priced", _everywhere(None),
     note="Storage, requests and replication follow the data volume: not priced.")
FREE_BUDGETS = 2
_add("budgets.budget", "budget-day", BUDGETS, "read-elsewhere", {GLOBAL: 0.02}, read_on=BUDGETS_GUIDE,
     note="'Your first two active budgets are free of charge. Each additional active budget costs $0.02 per day'"
          " (an older page of the Billing user guide): check the current Budgets pricing page. Free per account.")

# -- MongoDB Atlas (dedicated cluster tier, per cluster-hour, AWS) ---------------------------------------------
_add("atlas.tier.M10", "cluster-hour", ATLAS, "unverified", {"us-east-1": 0.08, "eu-central-1": None, "eu-west-1": None},
     status_by_region={"eu-central-1": "not-priced", "eu-west-1": "not-priced"},
     note="A three-node replica set at the tier's default storage; the US figure ('from $0.08/hr') is from knowledge"
          " of the page, the European regions' hourly price was not read in any stored page: not priced. Storage"
          " beyond the default, backups and data transfer are not priced.")
for _tier, _usd in {"M20": 0.20, "M30": 0.54}.items():
    _add(f"atlas.tier.{_tier}", "cluster-hour", ATLAS, "unverified", {"us-east-1": _usd, "eu-central-1": None, "eu-west-1": None},
         status_by_region={"eu-central-1": "not-priced", "eu-west-1": "not-priced"},
         note="From knowledge of the page (US); the European regions' price was not read: not priced.")

# What no line of an estimate prices (the output lists them).
NOT_PRICED = (
    "data transfer (between regions, to the internet, CloudFront egress)",
    "request volumes: SNS deliveries and e-mails, Lambda invocations, CloudWatch and Secrets Manager API calls, S3 requests",
    "SMS messages (per message, by destination country; capped by the SMS spend limit)",
    "load balancer capacity units (LCU-hours)",
    "S3 storage and replication (volume-based)",
    "CloudWatch Logs ingestion and storage",
    "SES sending",
    "Atlas storage beyond the tier, backups and data transfer; ElastiCache backup storage",
    "free allowances other than dashboards and budgets (10 alarm metrics, 10 custom metrics a month per account):"
    " not subtracted",
)


def price(key: str, region: str) -> Price:
    """The table's price for ``key`` in ``region``; a not-priced entry (saying so) when the table has none."""
    found = _TABLE.get((key, region))
    if found is not None:
        return found
    return Price(key, region, None, "", "", "not-priced", note=f"no price for {key} in {region} in the table")


def entries() -> list[Price]:
    """Every entry, by key then region (for the docs and the tests)."""
    return [_TABLE[k] for k in sorted(_TABLE)]
