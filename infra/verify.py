"""``estate verify``: live post-deployment checks of a deployed stack, driven by the estate model.

What runbook 000's daily checks and runbook 001's post-deployment tests ask people to look at by
hand, checked with boto3 against the account:

- every alarm the program declares exists with the declared metric, threshold, comparison and
  actions, has its actions enabled, and is not in ALARM;
- every alert topic (``<alerting.topic_prefix>-<severity>`` in the primary region and us-east-1, and
  the SES feedback topic) has each declared subscription, confirmed (no PendingConfirmation);
- the SES domain is verified with DKIM success, and the account has production access;
- every bucket has versioning, its lifecycle rules, default encryption, the four public access
  blocks and, for the audit bucket, object lock;
- Elastic Beanstalk environments are Ready, and Green under enhanced health;
- the Redis replication group is available, encrypted at rest and in transit, with AUTH;
- Route 53 health checks of the services' public URLs report healthy from every checker.

Where the expectations come from: names the estate model decides (topics, buckets, environments,
cache, mail domain, health-check URLs) are read from the model; alarms, whose metric, dimensions and
comparison are decided by the components, are read from the offline render of the same program
(``infra.engine.render_stack``), so verify never keeps a copy of the alarm factory's decisions.

Each check ends in one of three states: ``pass``, ``fail`` (with the runbook action to take) and
``not-checkable`` (the API is unavailable, e.g. moto or a missing permission): a check that could
not run never passes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

from data.model import SEVERITIES_BY_URGENCY, Estate

# Route 53 health checks and CloudFront metrics live in us-east-1 (see infra/program.py).
GLOBAL_REGION = "us-east-1"

PASS, FAIL, NOT_CHECKABLE = "pass", "fail", "not-checkable"
STATUS_ORDER = {FAIL: 0, NOT_CHECKABLE: 1, PASS: 2}

# Error codes meaning "this API cannot answer here" rather than "the resource is wrong".
UNAVAILABLE_CODES = {
    "NotImplemented", "InternalFailure", "InternalError", "InternalServerError", "ServiceUnavailable",
    "UnknownOperation", "UnknownOperationException", "InvalidAction", "AccessDenied",
    "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
}
# Error codes meaning "no such resource".
MISSING_CODES = {
    "NoSuchBucket", "NotFoundException", "NotFound", "ResourceNotFoundException", "NoSuchHealthCheck",
    "ReplicationGroupNotFoundFault", "NoSuchEntity",
}


@dataclass(frozen=True)
class Check:
    """One verified fact. ``action`` says what to do when it is not a pass."""

    family: str
    resource: str
    region: str
    status: str
    detail: str
    action: str = ""


@dataclass
class Report:
    stack: str
    region: str
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]

    @property
    def not_checkable(self) -> list[Check]:
        return [c for c in self.checks if c.status == NOT_CHECKABLE]

    def summary(self) -> dict[str, int]:
        return {status: sum(1 for c in self.checks if c.status == status) for status in (PASS, FAIL, NOT_CHECKABLE)}

    def ordered(self) -> list[Check]:
        return sorted(self.checks, key=lambda c: (STATUS_ORDER[c.status], c.family, c.region, c.resource))

    def to_json(self) -> str:
        return json.dumps(
            {
                "stack": self.stack,
                "region": self.region,
                "summary": self.summary(),
                "checks": [asdict(c) for c in self.ordered()],
            },
            indent=2,
            sort_keys=True,
        )

    def to_text(self) -> str:
        counts = self.summary()
        lines = [
            f"estate verify: stack {self.stack} ({self.region}): {counts[PASS]} passed, {counts[FAIL]} failed,"
            f" {counts[NOT_CHECKABLE]} not checkable",
        ]
        for title, status in (("FAILED", FAIL), ("NOT CHECKABLE (verify by hand)", NOT_CHECKABLE)):
            rows = [c for c in self.ordered() if c.status == status]
            if not rows:
                continue
            lines += ["", f"{title}:"]
            for c in rows:
                lines.append(f"  [{c.family}] {c.resource} ({c.region}): {c.detail}")
                if c.action:
                    lines.append(f"      action: {c.action}")
        passed = [c for c in self.ordered() if c.status == PASS]
        if passed:
            families = sorted({c.family for c in passed})
            lines += ["", "PASSED: " + ", ".join(f"{f} {sum(1 for c in passed if c.family == f)}" for f in families)]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Expectations
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedAlarm:
    name: str
    region: str
    namespace: str | None
    metric_name: str | None
    statistic: str | None
    threshold: float
    comparison: str
    action_topics: tuple[str, ...]  # topic names, in the alarm's region
    metric_queries: tuple[str, ...] = ()  # "id=<expression or namespace/metric>" of metric math alarms
    runbook: str = ""


@dataclass(frozen=True)
class ExpectedSubscription:
    protocol: str
    endpoint: str
    name: str


@dataclass(frozen=True)
class ExpectedTopic:
    name: str
    region: str
    subscriptions: tuple[ExpectedSubscription, ...]


def expected_topics(estate: Estate, regions: Sequence[str]) -> list[ExpectedTopic]:
    """The alert topics of components/alerting.py (``<topic_prefix>-<severity>`` per region) and the
    SES feedback topic of the primary region, each with the subscriptions the model routes to it."""
    topics = []
    for region in regions:
        for severity in SEVERITIES_BY_URGENCY:
            subs = tuple(
                ExpectedSubscription(s.protocol, s.endpoint, s.name)
                for s in estate.alerting.subscriptions
                if severity in s.severities
            )
            topics.append(ExpectedTopic(f"{estate.alerting.topic_prefix}-{severity.value}", region, subs))
    if estate.mail is not None:
        subs = tuple(ExpectedSubscription(s.protocol, s.endpoint, s.name) for s in estate.mail.feedback_subscribers)
        topics.append(ExpectedTopic(estate.mail.feedback_topic, regions[0], subs))
    return topics


def estate_regions(estate: Estate, primary: str | None = None) -> list[str]:
    primary = primary or estate.region
    return [primary] if primary == GLOBAL_REGION else [primary, GLOBAL_REGION]


def _get(resource: Any, key: str, default: Any = None) -> Any:
    if isinstance(resource, Mapping):
        return resource.get(key, default)
    return getattr(resource, key, default)


def _topic_name_from_arn(value: Any) -> str | None:
    """``arn:aws:sns:<region>:<account>:<name>`` -> name (what the offline render's mocks return)."""
    if isinstance(value, str) and value.startswith("arn:") and value.count(":") >= 5:
        return value.split(":", 5)[5]
    return None


def declared_alarms(resources: Iterable[Any], primary_region: str) -> list[ExpectedAlarm]:
    """Every ``aws:cloudwatch/metricAlarm:MetricAlarm`` of a render, with the region of its provider.

    ``resources`` follow the engine's JSON contract (``urn, type, name, provider, inputs``; inputs in
    camelCase as the engine sees them); objects with the same attributes work too.
    """
    resources = list(resources)
    provider_regions: dict[str, str] = {}
    for res in resources:
        if str(_get(res, "type", "")).startswith("pulumi:providers:aws"):
            region = (_get(res, "inputs") or {}).get("region")
            if region:
                provider_regions[str(_get(res, "urn"))] = region
    topic_names_by_urn = {
        str(_get(res, "urn")): (_get(res, "inputs") or {}).get("name")
        for res in resources
        if _get(res, "type") == "aws:sns/topic:Topic"
    }
    alarms = []
    for res in resources:
        if _get(res, "type") != "aws:cloudwatch/metricAlarm:MetricAlarm":
            continue
        inputs = _get(res, "inputs") or {}
        provider = _get(res, "provider") or ""
        # A provider reference is "<provider urn>::<id>".
        provider_urn = provider.rsplit("::", 1)[0] if provider.count("::") > 4 else provider
        region = provider_regions.get(provider_urn, primary_region)
        topics = []
        for action in inputs.get("alarmActions") or []:
            name = _topic_name_from_arn(action)
            if name is None:  # an unresolved output: the alarm depends on exactly the topic it acts on
                deps = [topic_names_by_urn[d] for d in _get(res, "dependencies") or [] if d in topic_names_by_urn]
                name = deps[0] if len(deps) == 1 else str(action)
            topics.append(name)
        queries = []
        for query in inputs.get("metricQueries") or []:
            metric = query.get("metric") or {}
            body = query.get("expression") or f"{metric.get('namespace')}/{metric.get('metricName')}"
            queries.append(f"{query.get('id')}={body}")
        description = inputs.get("alarmDescription") or ""
        alarms.append(
            ExpectedAlarm(
                name=inputs.get("name") or _get(res, "name"),
                region=region,
                namespace=inputs.get("namespace"),
                metric_name=inputs.get("metricName"),
                statistic=inputs.get("statistic") or inputs.get("extendedStatistic"),
                threshold=float(inputs.get("threshold")),
                comparison=inputs.get("comparisonOperator"),
                action_topics=tuple(sorted(topics)),
                metric_queries=tuple(sorted(queries)),
                runbook=description.split("Runbook: ", 1)[1].strip() if "Runbook: " in description else "",
            )
        )
    return sorted(alarms, key=lambda a: (a.region, a.name))


def render_declared_alarms(stack_path, primary_region: str) -> list[ExpectedAlarm]:
    """The alarms the program declares for a stack, from the offline engine's render."""
    from infra.engine import render_stack  # imported late: rendering loads Pulumi (about 1 s)

    render = render_stack(stack_path)
    resources = _get(render, "resources")
    if resources is None and hasattr(render, "to_json"):
        resources = json.loads(render.to_json())["resources"]
    return declared_alarms(resources, primary_region)


# --------------------------------------------------------------------------------------------------
# Talking to AWS
# --------------------------------------------------------------------------------------------------


class Unavailable(Exception):
    """The API cannot answer here (not implemented, server error, access denied)."""


class Clients:
    """boto3 clients per (service, region), all pointed at ``endpoint_url`` when given (tests)."""

    def __init__(self, endpoint_url: str | None = None, session: Any = None):
        import boto3

        self._session = session or boto3.session.Session()
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            from botocore.config import Config

            self._clients[key] = self._session.client(
                service,
                region_name=region,
                endpoint_url=self._endpoint_url,
                config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=20),
            )
        return self._clients[key]


def _error_code(error: Exception) -> tuple[str, int]:
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code, status


def call(fn: Callable, **kwargs) -> Any:
    """Call an AWS API; ``Unavailable`` when it cannot answer, ``LookupError`` for a missing resource."""
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError

    try:
        return fn(**kwargs)
    except NotImplementedError as error:  # moto in-process
        raise Unavailable(f"API not available here ({error})") from None
    except ResponseParserError:  # an HTML error page (moto_server's HTTP 500 for an unimplemented API)
        raise Unavailable("API not available here (HTTP 500, not an AWS answer)") from None
    except ClientError as error:
        code, status = _error_code(error)
        # A 404 with an error code is a missing resource; without one, the route itself is unknown.
        if code in MISSING_CODES or (status == 404 and code and code not in UNAVAILABLE_CODES):
            raise LookupError(code) from None
        if status == 404:
            raise Unavailable("API not available here (HTTP 404 without an error code)") from None
        if code in UNAVAILABLE_CODES or status >= 500:
            raise Unavailable(f"API not available here ({code or 'HTTP'} {status})") from None
        raise


# --------------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------------


class Verifier:
    def __init__(self, estate: Estate, clients: Clients, *, stack: str, region: str | None = None,
                 alarms: Sequence[ExpectedAlarm] | None = None, alarms_unavailable: str | None = None):
        self.estate = estate
        self.clients = clients
        self.region = region or estate.region
        self.regions = estate_regions(estate, self.region)
        self.alarms = alarms
        self.alarms_unavailable = alarms_unavailable
        self.report = Report(stack=stack, region=self.region)
        self.runbook = estate.runbook_url

    def run(self) -> Report:
        for step in (self.check_alarms, self.check_topics, self.check_mail, self.check_buckets,
                     self.check_environments, self.check_cache, self.check_health_checks):
            step()
        return self.report

    def _add(self, family: str, resource: str, region: str, status: str, detail: str, action: str = "") -> None:
        self.report.add(Check(family, resource, region, status, detail, action if status != PASS else ""))

    def _unavailable(self, family: str, resource: str, region: str, error: Exception, what: str, by_hand: str = "") -> None:
        self._add(family, resource, region, NOT_CHECKABLE, f"{what}: {error}", by_hand or f"check {what} by hand in the console")

    # -- alarms ---------------------------------------------------------------------------------

    def check_alarms(self) -> None:
        if self.alarms is None:
            self._add("alarm", "(all declared alarms)", self.region, NOT_CHECKABLE,
                      f"the declared alarms could not be rendered: {self.alarms_unavailable or 'no render'}",
                      "fix the offline render (`estate preview --stack <stack>`) and run verify again")
            return
        for region in sorted({a.region for a in self.alarms}):
            expected = [a for a in self.alarms if a.region == region]
            cloudwatch = self.clients("cloudwatch", region)
            found: dict[str, dict] = {}
            try:
                for start in range(0, len(expected), 100):
                    names = [a.name for a in expected[start : start + 100]]
                    page = call(cloudwatch.describe_alarms, AlarmNames=names, AlarmTypes=["MetricAlarm"], MaxRecords=100)
                    found.update({m["AlarmName"]: m for m in page.get("MetricAlarms", [])})
            except Unavailable as error:
                for alarm in expected:
                    self._unavailable("alarm", alarm.name, region, error, "CloudWatch DescribeAlarms")
                continue
            for alarm in expected:
                self._check_alarm(alarm, found.get(alarm.name))

    def _check_alarm(self, alarm: ExpectedAlarm, live: dict | None) -> None:
        region = alarm.region
        if live is None:
            self._add("alarm", alarm.name, region, FAIL, "missing: the alarm does not exist",
                      "run `pulumi up` on the stack to recreate it (someone deleted it, or the last update failed);"
                      " until then the signal is unwatched")
            return
        drift = []
        if alarm.metric_queries:
            live_queries = sorted(
                f"{q.get('Id')}={q.get('Expression') or (q.get('MetricStat', {}).get('Metric', {}).get('Namespace', '') + '/' + q.get('MetricStat', {}).get('Metric', {}).get('MetricName', ''))}"
                for q in live.get("Metrics") or []
            )
            if tuple(live_queries) != alarm.metric_queries:
                drift.append(f"metric queries {live_queries} instead of {list(alarm.metric_queries)}")
        else:
            if live.get("Namespace") != alarm.namespace or live.get("MetricName") != alarm.metric_name:
                drift.append(f"metric {live.get('Namespace')}/{live.get('MetricName')} instead of {alarm.namespace}/{alarm.metric_name}")
            live_stat = live.get("Statistic") or live.get("ExtendedStatistic")
            if alarm.statistic and live_stat != alarm.statistic:
                drift.append(f"statistic {live_stat} instead of {alarm.statistic}")
        threshold = live.get("Threshold")
        if threshold is None or not math.isclose(float(threshold), alarm.threshold, rel_tol=1e-9, abs_tol=1e-12):
            drift.append(f"threshold {threshold} instead of {alarm.threshold:g}")
        if live.get("ComparisonOperator") != alarm.comparison:
            drift.append(f"comparison {live.get('ComparisonOperator')} instead of {alarm.comparison}")
        live_topics = sorted(
            f"{arn.split(':')[5]}" if arn.split(":")[3] == region else f"{arn.split(':')[5]} (in {arn.split(':')[3]})"
            for arn in live.get("AlarmActions") or []
            if arn.startswith("arn:") and arn.count(":") >= 5
        )
        if tuple(live_topics) != alarm.action_topics:
            drift.append(f"actions {live_topics or 'none'} instead of {list(alarm.action_topics)}")
        if live.get("ActionsEnabled") is False:
            drift.append("actions disabled")
        if drift:
            self._add("alarm", alarm.name, region, FAIL, "differs from the program: " + "; ".join(drift),
                      "changed outside Pulumi: `pulumi refresh` to see the drift, then `pulumi up` to restore the declared alarm")
            return
        if live.get("StateValue") == "ALARM":
            self._add("alarm", alarm.name, region, FAIL,
                      f"in ALARM since {live.get('StateUpdatedTimestamp')}: {live.get('StateReason', '')}".strip(),
                      f"follow the alarm's runbook: {alarm.runbook or self.runbook}")
            return
        self._add("alarm", alarm.name, region, PASS, f"declared and {live.get('StateValue', 'no state')}")

    # -- topics and subscriptions ---------------------------------------------------------------

    def check_topics(self) -> None:
        by_region: dict[str, list[ExpectedTopic]] = {}
        for topic in expected_topics(self.estate, self.regions):
            by_region.setdefault(topic.region, []).append(topic)
        for region, topics in by_region.items():
            sns = self.clients("sns", region)
            try:
                arns = self._topic_arns(sns)
            except Unavailable as error:
                for topic in topics:
                    self._unavailable("topic", topic.name, region, error, "SNS ListTopics")
                continue
            for topic in topics:
                arn = arns.get(topic.name)
                if arn is None:
                    self._add("topic", topic.name, region, FAIL, "missing: the alert topic does not exist",
                              "run `pulumi up`: alarms of this severity have nowhere to send")
                    continue
                self._add("topic", topic.name, region, PASS, "exists")
                self._check_subscriptions(sns, topic, arn)

    @staticmethod
    def _topic_arns(sns) -> dict[str, str]:
        arns: dict[str, str] = {}
        token = None
        while True:
            page = call(sns.list_topics, **({"NextToken": token} if token else {}))
            for item in page.get("Topics", []):
                arns[item["TopicArn"].rsplit(":", 1)[1]] = item["TopicArn"]
            token = page.get("NextToken")
            if not token:
                return arns

    def _check_subscriptions(self, sns, topic: ExpectedTopic, topic_arn: str) -> None:
        live = []
        token = None
        while True:
            page = call(sns.list_subscriptions_by_topic, TopicArn=topic_arn, **({"NextToken": token} if token else {}))
            live += page.get("Subscriptions", [])
            token = page.get("NextToken")
            if not token:
                break
        for sub in topic.subscriptions:
            resource = f"{topic.name} -> {sub.name} ({sub.protocol} {sub.endpoint})"
            matches = [s for s in live if s.get("Protocol") == sub.protocol and s.get("Endpoint") == sub.endpoint]
            if not matches:
                self._add("subscription", resource, topic.region, FAIL, "missing: the subscriber is not subscribed",
                          "run `pulumi up` to subscribe it again (someone unsubscribed, or the endpoint changed by hand)")
                continue
            arn = matches[0].get("SubscriptionArn", "")
            pending = arn in ("PendingConfirmation", "pending confirmation") or not arn.startswith("arn:")
            if not pending:
                try:
                    attributes = call(sns.get_subscription_attributes, SubscriptionArn=arn).get("Attributes", {})
                    pending = attributes.get("PendingConfirmation") == "true"
                except (Unavailable, LookupError) as error:
                    self._unavailable("subscription", resource, topic.region, error, "SNS GetSubscriptionAttributes")
                    continue
            if pending:
                self._add("subscription", resource, topic.region, FAIL,
                          "PendingConfirmation: the subscriber never confirmed, alerts are not delivered to it",
                          self._confirm_action(sub, topic))
            else:
                self._add("subscription", resource, topic.region, PASS, "confirmed")

    @staticmethod
    def _confirm_action(sub: ExpectedSubscription, topic: ExpectedTopic) -> str:
        if sub.protocol == "email":
            return (f"ask {sub.endpoint} to click 'Confirm subscription' in the mail 'AWS Notification - Subscription"
                    f" Confirmation' (valid 3 days); if it expired: `aws sns subscribe --region {topic.region}"
                    f" --topic-arn <arn of {topic.name}> --protocol email --notification-endpoint {sub.endpoint}`"
                    " (runbook 001, post-deployment tests)")
        return (f"the endpoint {sub.endpoint} did not confirm: check it answers SNS SubscriptionConfirmation"
                " requests, then `pulumi up` (which waits for the confirmation)")

    # -- SES ------------------------------------------------------------------------------------

    def check_mail(self) -> None:
        mail = self.estate.mail
        if mail is None:
            return
        region = self.region
        ses = self.clients("ses", region)
        domain = mail.domain
        try:
            status = call(ses.get_identity_verification_attributes, Identities=[domain])
            attrs = status.get("VerificationAttributes", {}).get(domain)
            if attrs is None:
                self._add("mail", domain, region, FAIL, "missing: the SES domain identity does not exist",
                          "run `pulumi up` to create the identity, then publish its verification records in DNS")
            elif attrs.get("VerificationStatus") != "Success":
                self._add("mail", domain, region, FAIL, f"domain verification {attrs.get('VerificationStatus')}",
                          f"publish the TXT record _amazonses.{domain} in DNS (runbook 001, SES: verify the domain);"
                          " verification expires after 72 h without it")
            else:
                self._add("mail", domain, region, PASS, "domain verified")
        except Unavailable as error:
            self._unavailable("mail", domain, region, error, "SES GetIdentityVerificationAttributes")
        try:
            dkim = call(ses.get_identity_dkim_attributes, Identities=[domain]).get("DkimAttributes", {}).get(domain)
            resource = f"{domain} DKIM"
            if not dkim or not dkim.get("DkimEnabled") or dkim.get("DkimVerificationStatus") != "Success":
                state = "absent" if not dkim else f"{'enabled' if dkim.get('DkimEnabled') else 'disabled'}, {dkim.get('DkimVerificationStatus')}"
                self._add("mail", resource, region, FAIL, f"DKIM not successful ({state})",
                          f"publish the three CNAME records <token>._domainkey.{domain} shown by"
                          f" `aws ses get-identity-dkim-attributes --identities {domain}` (runbook 001)")
            else:
                self._add("mail", resource, region, PASS, "DKIM success")
        except Unavailable as error:
            self._unavailable("mail", f"{domain} DKIM", region, error, "SES GetIdentityDkimAttributes")
        try:
            account = call(self.clients("sesv2", region).get_account)
            if account.get("ProductionAccessEnabled"):
                self._add("mail", "production access", region, PASS, "out of the SES sandbox")
            else:
                self._add("mail", "production access", region, FAIL,
                          "the account is in the SES sandbox: only verified recipients, 200 mails a day",
                          "request production access (SES console > Account dashboard > Request production access;"
                          " runbook 001, leave the sandbox)")
        except (Unavailable, LookupError) as error:  # a 404 here is an unknown route, not a missing account
            self._unavailable("mail", "production access", region, error, "SESv2 GetAccount",
                              f"`aws sesv2 get-account --region {region}`: ProductionAccessEnabled must be true"
                              " (or the SES console's Account dashboard: not 'Sandbox')")

    # -- buckets --------------------------------------------------------------------------------

    def check_buckets(self) -> None:
        region = self.region
        s3 = self.clients("s3", region)
        restore = "run `pulumi up` to restore the declared setting (changed outside Pulumi: `pulumi refresh` shows it)"
        for bucket in self.estate.buckets:
            name = bucket.name
            try:
                call(s3.head_bucket, Bucket=name)
            except LookupError:
                self._add("bucket", name, region, FAIL, "missing: the bucket does not exist",
                          "the bucket is protected and retained: if it was deleted, recreate it with `pulumi up` and"
                          " restore its data from the backups bucket or replication (docs/disaster-recovery.md)")
                continue
            except Unavailable as error:
                self._unavailable("bucket", name, region, error, "S3 HeadBucket")
                continue
            for what, probe in (
                ("versioning", self._bucket_versioning),
                ("lifecycle", self._bucket_lifecycle),
                ("encryption", self._bucket_encryption),
                ("public access block", self._bucket_public_access),
                ("object lock", self._bucket_object_lock),
            ):
                try:
                    problem = probe(s3, bucket)
                except Unavailable as error:
                    self._unavailable("bucket", f"{name} {what}", region, error, f"S3 {what}")
                    continue
                if problem is None:
                    continue  # not declared for this bucket
                if problem:
                    self._add("bucket", f"{name} {what}", region, FAIL, problem, restore)
                else:
                    self._add("bucket", f"{name} {what}", region, PASS, "as declared")

    @staticmethod
    def _bucket_versioning(s3, bucket) -> str | None:
        status = call(s3.get_bucket_versioning, Bucket=bucket.name).get("Status", "never enabled")
        expected = "Enabled" if bucket.versioning else None
        if expected is None:
            return None
        return "" if status == expected else f"versioning {status} instead of Enabled"

    @staticmethod
    def _bucket_lifecycle(s3, bucket) -> str:
        try:
            rules = call(s3.get_bucket_lifecycle_configuration, Bucket=bucket.name).get("Rules", [])
        except LookupError:
            rules = []
        except Exception as error:  # NoSuchLifecycleConfiguration is a ClientError with its own code
            if _error_code(error)[0] != "NoSuchLifecycleConfiguration":
                raise
            rules = []
        live = {r.get("ID"): r.get("Status") for r in rules}
        problems = []
        for rule in bucket.lifecycle:
            if rule.id not in live:
                problems.append(f"rule {rule.id} missing")
            elif live[rule.id] != "Enabled":
                problems.append(f"rule {rule.id} {live[rule.id]}")
        return "; ".join(problems)

    @staticmethod
    def _bucket_encryption(s3, bucket) -> str:
        try:
            config = call(s3.get_bucket_encryption, Bucket=bucket.name)
        except Exception as error:
            if isinstance(error, (Unavailable,)):
                raise
            code = _error_code(error)[0] if not isinstance(error, LookupError) else str(error)
            if code in ("ServerSideEncryptionConfigurationNotFoundError",) or isinstance(error, LookupError):
                return "no default encryption"
            raise
        rules = config.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        algorithms = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules]
        return "" if any(a in ("aws:kms", "aws:kms:dsse", "AES256") for a in algorithms) else "no default encryption"

    @staticmethod
    def _bucket_public_access(s3, bucket) -> str:
        try:
            config = call(s3.get_public_access_block, Bucket=bucket.name).get("PublicAccessBlockConfiguration", {})
        except Exception as error:
            if isinstance(error, Unavailable):
                raise
            if isinstance(error, LookupError) or _error_code(error)[0] == "NoSuchPublicAccessBlockConfiguration":
                return "no public access block"
            raise
        off = [k for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets") if not config.get(k)]
        return f"{', '.join(off)} off" if off else ""

    @staticmethod
    def _bucket_object_lock(s3, bucket) -> str | None:
        if bucket.object_lock_years is None:
            return None
        try:
            config = call(s3.get_object_lock_configuration, Bucket=bucket.name).get("ObjectLockConfiguration", {})
        except Exception as error:
            if isinstance(error, Unavailable):
                raise
            if isinstance(error, LookupError) or _error_code(error)[0] == "ObjectLockConfigurationNotFoundError":
                return "object lock not enabled"
            raise
        if config.get("ObjectLockEnabled") != "Enabled":
            return "object lock not enabled"
        retention = config.get("Rule", {}).get("DefaultRetention", {})
        years = retention.get("Years") or (retention.get("Days", 0) / 365 if retention.get("Days") else None)
        if not years or years < bucket.object_lock_years:
            return f"default retention {retention or 'none'} instead of {bucket.object_lock_years} years"
        return ""

    # -- Elastic Beanstalk ----------------------------------------------------------------------

    def check_environments(self) -> None:
        region = self.region
        services = [s for s in self.estate.services if s.kind == "beanstalk"]
        if not services:
            return
        eb = self.clients("elasticbeanstalk", region)
        names = [s.environment_name for s in services]
        try:
            live = {
                e["EnvironmentName"]: e
                for e in call(eb.describe_environments, EnvironmentNames=names, IncludeDeleted=False).get("Environments", [])
            }
        except Unavailable as error:
            for name in names:
                self._unavailable("environment", name, region, error, "Elastic Beanstalk DescribeEnvironments")
            return
        for name in names:
            env = live.get(name)
            if env is None or env.get("Status") in ("Terminated", "Terminating"):
                self._add("environment", name, region, FAIL, "missing or terminated",
                          "rebuild it with `pulumi up` (docs/disaster-recovery.md), then redeploy the application version")
                continue
            if env.get("Status") != "Ready":
                self._add("environment", name, region, FAIL, f"status {env.get('Status')}, not Ready",
                          f"wait for the running operation, then `eb events {name}`; runbook 000 'EB environment'")
            else:
                self._add("environment", name, region, PASS, "Ready")
            try:
                health = call(eb.describe_environment_health, EnvironmentName=name, AttributeNames=["Color", "HealthStatus", "Causes"])
            except (Unavailable, LookupError) as error:
                self._unavailable("environment", f"{name} health", region, error, "Elastic Beanstalk DescribeEnvironmentHealth",
                                  f"`eb health {name}` (or the console's Health page): every instance Ok, colour Green")
                continue
            color = health.get("Color")
            if color == "Green":
                self._add("environment", f"{name} health", region, PASS, f"Green ({health.get('HealthStatus')})")
            else:
                causes = "; ".join(health.get("Causes") or [])
                self._add("environment", f"{name} health", region, FAIL,
                          f"{color or 'no colour'} ({health.get('HealthStatus')}){': ' + causes if causes else ''}",
                          f"`eb health {name} --refresh` and `eb logs {name}`; runbook 000 'EB environment degraded'")

    # -- Redis ----------------------------------------------------------------------------------

    def check_cache(self) -> None:
        cache = self.estate.cache
        if cache is None:
            return
        region = self.region
        try:
            groups = call(self.clients("elasticache", region).describe_replication_groups, ReplicationGroupId=cache.name)
        except LookupError:
            self._add("cache", cache.name, region, FAIL, "missing: the replication group does not exist",
                      "recreate it with `pulumi up`; the cache holds no data of record (the services refill it)")
            return
        except Unavailable as error:
            self._unavailable("cache", cache.name, region, error, "ElastiCache DescribeReplicationGroups")
            return
        group = (groups.get("ReplicationGroups") or [{}])[0]
        problems = []
        if group.get("Status") != "available":
            problems.append(f"status {group.get('Status')}")
        for key, what in (("AtRestEncryptionEnabled", "encryption at rest"), ("TransitEncryptionEnabled", "encryption in transit"),
                          ("AuthTokenEnabled", "AUTH token")):
            if not group.get(key):
                problems.append(f"{what} off")
        if problems:
            self._add("cache", cache.name, region, FAIL, "; ".join(problems),
                      "an unavailable group: see ElastiCache events (`aws elasticache describe-events`); encryption can"
                      " only be set at creation: replace the group with `pulumi up`")
        else:
            self._add("cache", cache.name, region, PASS, "available, encrypted at rest and in transit, AUTH on")

    # -- Route 53 health checks -----------------------------------------------------------------

    def check_health_checks(self) -> None:
        watched = [s for s in self.estate.services if s.public_url]
        if not watched:
            return
        route53 = self.clients("route53", GLOBAL_REGION)
        try:
            checks = []
            marker = None
            while True:
                page = call(route53.list_health_checks, **({"Marker": marker} if marker else {}))
                checks += page.get("HealthChecks", [])
                if not page.get("IsTruncated"):
                    break
                marker = page.get("NextMarker")
        except Unavailable as error:
            for service in watched:
                self._unavailable("health-check", service.public_url, GLOBAL_REGION, error, "Route 53 ListHealthChecks")
            return
        for service in watched:
            host = urlparse(service.public_url).hostname
            path = service.health_check.path
            url = f"{service.public_url}{path}"
            match = next(
                (c for c in checks
                 if c.get("HealthCheckConfig", {}).get("FullyQualifiedDomainName") == host
                 and (c.get("HealthCheckConfig", {}).get("ResourcePath") or "/") == path),
                None,
            )
            if match is None:
                self._add("health-check", url, GLOBAL_REGION, FAIL, "missing: no Route 53 health check watches this URL",
                          "run `pulumi up`: without it nobody is told when the service is down from outside")
                continue
            try:
                observations = call(route53.get_health_check_status, HealthCheckId=match["Id"]).get("HealthCheckObservations", [])
            except (Unavailable, LookupError) as error:
                self._unavailable("health-check", url, GLOBAL_REGION, error, "Route 53 GetHealthCheckStatus")
                continue
            failing = [o for o in observations if not str(o.get("StatusReport", {}).get("Status", "")).startswith("Success")]
            if not observations:
                self._add("health-check", url, GLOBAL_REGION, NOT_CHECKABLE, "no checker has reported yet",
                          "run verify again in a few minutes")
            elif failing:
                reasons = sorted({f"{o.get('Region')}: {o.get('StatusReport', {}).get('Status')}" for o in failing})
                self._add("health-check", url, GLOBAL_REGION, FAIL,
                          f"{len(failing)} of {len(observations)} checkers report failure ({'; '.join(reasons[:3])})",
                          f"`curl -i {url}`; then the environment's health and logs (runbook 000, daily health check)")
            else:
                self._add("health-check", url, GLOBAL_REGION, PASS, f"healthy from {len(observations)} checkers")


def verify_estate(estate: Estate, *, stack: str, clients: Clients, region: str | None = None,
                  alarms: Sequence[ExpectedAlarm] | None = None, alarms_unavailable: str | None = None) -> Report:
    """Run every check; ``alarms`` are the declared alarms (``render_declared_alarms``)."""
    return Verifier(estate, clients, stack=stack, region=region, alarms=alarms, alarms_unavailable=alarms_unavailable).run()
