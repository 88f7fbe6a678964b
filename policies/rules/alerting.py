"""Alerting: every alarm reaches someone, in its own region, on the topic of its severity."""

from __future__ import annotations

import json

from data.catalogue import beanstalk, cloudwatch
from data.catalogue.regions import GLOBAL_METRIC_NAMESPACES, GLOBAL_METRICS_REGION
from data.model import SEVERITIES_BY_URGENCY

from .base import count, dependents, get, get_path, items, known_or_none, of_type, provider_region, resource_rule, stack_rule, truthy

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
# Metrics AWS publishes only in the global-metrics region (estate-inventory B.1 #3): alarms on them live there.
GLOBAL_NAMESPACES = tuple(GLOBAL_METRIC_NAMESPACES)
GLOBAL_REGION = GLOBAL_METRICS_REGION
SEVERITIES = tuple(severity.value for severity in SEVERITIES_BY_URGENCY)


def alarm_namespaces(props) -> list[str]:
    """Namespaces an alarm reads: its single metric's, or those of its metric-math queries."""
    found = []
    namespace = get(props, "namespace")
    if namespace:
        found.append(namespace)
    for query in items(get(props, "metricQueries")):
        metric_namespace = get_path(query, "metric", "namespace")
        if metric_namespace:
            found.append(metric_namespace)
    return found


NOTIFIES_THROUGH = "notifies_through"


def notifies_through(props) -> str | None:
    """The composite alarm a silent child alarm (no actions of its own) pages through, from its tag; the rule
    ``slo-child-in-composite`` checks that composite exists, names the child and acts."""
    if count(get(props, "alarmActions")) or count(get(props, "okActions")):
        return None
    return get(get(props, "tags") or {}, NOTIFIES_THROUGH) or None


@resource_rule(
    "alerting-alarm-actions-notify", area="alerting", category="blind-spot",
    description="Every CloudWatch alarm has alarm actions and OK actions, and its actions are enabled.",
    runbook="Alarms notify someone: alarm and OK actions on an alert topic",
    remediation="Create alarms through components/alarms.py (AlarmFactory), which sets alarm_actions and ok_actions to the severity's topic.",
    types=METRIC_ALARM,
)
def alarm_actions_notify(args, report_violation):
    props = args.props
    if notifies_through(props):
        return  # a composite alarm's child: the composite notifies (slo-child-in-composite)
    if not count(get(props, "alarmActions")):
        report_violation("alarmActions is empty: the alarm fires and nobody is told.")
    if not count(get(props, "okActions")):
        report_violation("okActions is empty: paging incidents never resolve themselves.")
    if "actionsEnabled" in list(props) and not truthy(props["actionsEnabled"]):
        report_violation("actionsEnabled is false: the actions never run.")


@resource_rule(
    "alerting-alarm-global-region", area="alerting", category="blind-spot",
    description=f"Alarms on CloudFront and Route 53 metrics are created in {GLOBAL_REGION}, where those metrics exist.",
    runbook="CloudFront and Route 53 metrics watched in the one region AWS publishes them in",
    remediation=f"Pass the {GLOBAL_REGION} provider (infra.program.Regions.options('{GLOBAL_REGION}')) to the alarm.",
    types=METRIC_ALARM,
)
def alarm_global_region(args, report_violation):
    global_namespaces = sorted({ns for ns in alarm_namespaces(args.props) if ns in GLOBAL_NAMESPACES})
    if not global_namespaces:
        return
    region = provider_region(args)
    if region != GLOBAL_REGION:
        where = f"region {region}" if region else "the default provider (region unknown to the policy)"
        report_violation(
            f"the alarm reads {', '.join(global_namespaces)} but is created with {where}; "
            f"those metrics exist only in {GLOBAL_REGION}, so it would never leave INSUFFICIENT_DATA."
        )


@stack_rule(
    "alerting-alarm-topic-region", area="alerting", category="blind-spot",
    description="Every alarm acts on SNS topics of its own region (CloudWatch rejects a topic of another region).",
    runbook="An alert topic in every region with alarms",
    remediation="Use AlertRouting.topic(region, severity) for the alarm's region; every region with alarms has its topics.",
)
def alarm_topic_region(args, report_violation):
    for alarm in of_type(args.resources, METRIC_ALARM):
        topics = [d for d in alarm.dependencies if d.resource_type == TOPIC]
        literal = literal_action_arns(alarm.props)
        if not topics and not literal and notifies_through(alarm.props):
            continue  # a composite alarm's child: no actions of its own (slo-child-in-composite)
        if not topics and not literal:
            report_violation(f"alarm {alarm.name} depends on no SNS topic: its actions reach no alert topic.", alarm.urn)
            continue
        region = provider_region(alarm)
        for topic in topics:
            if provider_region(topic) != region:
                report_violation(
                    f"alarm {alarm.name} ({region or 'default region'}) acts on topic {topic.name} "
                    f"({provider_region(topic) or 'default region'}).",
                    alarm.urn,
                )
        # The values as well as the graph (issue 10 #14): an action written as a literal ARN depends on nothing.
        for key, arn in literal:
            arn_region = arn_region_of(arn)
            if region and arn_region and arn_region != region:
                report_violation(
                    f"alarm {alarm.name} ({region}) names {arn} in {key}: an action in {arn_region}, which CloudWatch refuses "
                    "(an alarm acts only on resources of its own region).",
                    alarm.urn,
                )


ACTION_KEYS = ("alarmActions", "okActions", "insufficientDataActions")


def literal_action_arns(props) -> list[tuple[str, str]]:
    """The actions of an alarm whose value is known (an ARN string), with the key they sit under; computed
    ones (``[unknown]`` in a preview) are left to the dependencies."""
    found = []
    for key in ACTION_KEYS:
        actions = get(props, key)
        for i in range(count(actions)):
            action = known_or_none(lambda: items(actions)[i] if isinstance(actions, (str, bytes)) else actions[i])
            if isinstance(action, str) and action.startswith("arn:"):
                found.append((key, action))
    return found


def arn_region_of(arn: str) -> str | None:
    """The region field of an ARN (``arn:partition:service:region:account:resource``), if it has one."""
    parts = arn.split(":", 5)
    return parts[3] or None if len(parts) == 6 else None


def _topic_of_arn(resources, arn: str):
    """The stack's topic an SNS ARN names (by region and name), if it is one of ours."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "sns":
        return None
    region, name = parts[3], parts[5]
    return next((t for t in of_type(resources, TOPIC) if get(t.props, "name") == name and provider_region(t) == region), None)


@stack_rule(
    "alerting-alarm-severity-routing", area="alerting", category="hygiene",
    description="Every alarm carries a severity tag and acts only on topics of that severity.",
    runbook="Severity levels (info, warning, critical) and who hears each",
    remediation="Create alarms through AlarmFactory with the signal's severity; it tags the alarm and picks the topic.",
)
def alarm_severity_routing(args, report_violation):
    for alarm in of_type(args.resources, METRIC_ALARM):
        severity = get(get(alarm.props, "tags") or {}, "severity")
        if severity not in SEVERITIES:
            report_violation(f"alarm {alarm.name} has no severity tag (critical, warning or info).", alarm.urn)
            continue
        named = [_topic_of_arn(args.resources, arn) for _, arn in literal_action_arns(alarm.props)]
        dependencies = [d for d in alarm.dependencies if d.resource_type == TOPIC]
        for topic in dependencies + [t for t in named if t is not None and t not in dependencies]:
            topic_severity = get(get(topic.props, "tags") or {}, "severity")
            if topic_severity is not None and topic_severity != severity:
                report_violation(
                    f"alarm {alarm.name} is {severity} but acts on the {topic_severity} topic {topic.name}.", alarm.urn
                )


@stack_rule(
    "alerting-alarm-team-routing", area="alerting", category="blind-spot",
    description="Every alarm of a team's service acts on that team's topic of its severity and region, when the team has one.",
    runbook="Routing by service: a team hears every alarm of the services it answers for",
    remediation="Create alarms through AlarmFactory: it tags an alarm with its service's team and adds that team's topic "
    "(AlertRouting.topics_for) to the alarm and OK actions.",
)
def alarm_team_routing(args, report_violation):
    team_topics = {}
    for topic in of_type(args.resources, TOPIC):
        tags = get(topic.props, "tags") or {}
        if get(tags, "team"):
            team_topics[(get(tags, "team"), get(tags, "severity"), provider_region(topic))] = topic
    for alarm in of_type(args.resources, METRIC_ALARM):
        tags = get(alarm.props, "tags") or {}
        team, severity = get(tags, "team"), get(tags, "severity")
        topic = team_topics.get((team, severity, provider_region(alarm))) if team else None
        if topic is None:
            continue  # no team, or the team hears no alarm of this severity
        named = {id(t) for _, arn in literal_action_arns(alarm.props) for t in [_topic_of_arn(args.resources, arn)] if t}
        if not any(d.urn == topic.urn for d in alarm.dependencies) and id(topic) not in named:
            report_violation(
                f"alarm {alarm.name} belongs to team {team} but does not act on its {severity} topic {topic.name}: "
                "the team never hears it.", alarm.urn,
            )


@stack_rule(
    "alerting-topic-subscribed", area="alerting", category="blind-spot",
    description="Every SNS topic has at least one subscription.",
    runbook="Someone subscribed to every alert topic",
    remediation="Subscribe someone to every severity (estate.alerting.subscriptions) and to the mail feedback topic.",
)
def topic_subscribed(args, report_violation):
    # The graph, and the values: a subscription may name its topic by a literal ARN (issue 10 #14).
    literal = {known_or_none(lambda s=s: get(s.props, "topic")) for s in of_type(args.resources, TOPIC_SUBSCRIPTION)}
    named = {id(t) for arn in literal if isinstance(arn, str) for t in [_topic_of_arn(args.resources, arn)] if t is not None}
    for topic in of_type(args.resources, TOPIC):
        if id(topic) not in named and not dependents(args.resources, topic, TOPIC_SUBSCRIPTION):
            report_violation(f"topic {topic.name} has no subscription: what it publishes reaches nobody.", topic.urn)


@resource_rule(
    "alerting-alarm-custom-namespace", area="alerting", category="hygiene",
    description="Alarms on application metrics use a declared custom namespace, spelled exactly.",
    runbook="The application's custom CloudWatch namespace, spelled as the services publish it",
    remediation="Use the namespace the services publish to (CLOUDWATCH_NAMESPACE), or add it to this rule's 'namespaces' config.",
    parameters={"namespaces": {"type": "array", "items": {"type": "string"},
                               "description": "The estate's application namespaces (estate policy-config fills it in)."}},
    types=METRIC_ALARM,
)
def alarm_custom_namespace(args, report_violation):
    allowed = list(args.get_config().get("namespaces") or [])
    if not allowed:
        args.not_applicable("no application namespaces configured")
    for namespace in alarm_namespaces(args.props):
        if not namespace.startswith("AWS/") and namespace not in allowed:
            report_violation(
                f"namespace {namespace!r} is not a declared application namespace ({', '.join(allowed)}): "
                "a misspelt namespace is an alarm on a metric nobody publishes."
            )


EB_NAMESPACE = beanstalk.NAMESPACE
ENVIRONMENT_HEALTH = beanstalk.ENVIRONMENT_HEALTH.name
# EnvironmentHealth's values: 0 Ok, 1 Info, 5 Unknown, 10 No data, 15 Warning, 20 Degraded, 25 Severe.
HEALTH_WARNING, HEALTH_SEVERE = beanstalk.HEALTH_LEVELS["Warning"], beanstalk.HEALTH_LEVELS["Severe"]
RISING_OPERATORS = ("GreaterThanOrEqualToThreshold", "GreaterThanThreshold")


def _health_reads(props) -> bool:
    """True when the alarm compares EnvironmentHealth itself: its single metric, or a metric query
    returning it (metric math over it compares something else)."""
    if get(props, "namespace") == EB_NAMESPACE and get(props, "metricName") == ENVIRONMENT_HEALTH:
        return True
    returned = [q for q in items(get(props, "metricQueries")) if truthy(get(q, "returnData", False))]
    return len(returned) == 1 and get_path(returned[0], "metric", "namespace") == EB_NAMESPACE and (
        get_path(returned[0], "metric", "metricName") == ENVIRONMENT_HEALTH)


@resource_rule(
    "alerting-alarm-health-direction", area="alerting", category="blind-spot",
    description="Alarms on Elastic Beanstalk EnvironmentHealth fire when health rises to Warning (15) or worse, not below it.",
    runbook="An alarm when environment health degrades (EnvironmentHealth rises from 0 Ok to 25 Severe)",
    remediation="Use GreaterThanOrEqualToThreshold (or GreaterThanThreshold) with a threshold of 15 to 25: 0 is Ok, "
    "15 Warning, 20 Degraded, 25 Severe (components/service_alarms.py does).",
    types=METRIC_ALARM,
)
def alarm_health_direction(args, report_violation):
    if not _health_reads(args.props):
        return
    operator, threshold = get(args.props, "comparisonOperator"), get(args.props, "threshold")
    if operator not in RISING_OPERATORS:
        report_violation(
            f"comparisonOperator is {operator!r}: EnvironmentHealth grows worse upwards (0 Ok .. 25 Severe), so the "
            "alarm must compare with GreaterThanOrEqualToThreshold or GreaterThanThreshold."
        )
        return
    if not isinstance(threshold, (int, float)) or threshold < HEALTH_WARNING:
        report_violation(f"threshold is {threshold!r}: below {HEALTH_WARNING} (Warning) the alarm fires on Ok, Info or Unknown.")
    elif threshold > HEALTH_SEVERE or (threshold == HEALTH_SEVERE and operator == "GreaterThanThreshold"):
        report_violation(f"{operator} {threshold:g} never fires: EnvironmentHealth is at most {HEALTH_SEVERE} (Severe).")


# Metrics each AWS namespace publishes, for the namespaces whose alarms are easy to get wrong (an
# alarm on a metric that does not exist stays INSUFFICIENT_DATA forever and says nothing), and where a
# name people alarm on is published instead: AWS facts, in the catalogue with their source.
NAMESPACE_METRICS = {
    EB_NAMESPACE: beanstalk.PUBLISHED_METRIC_NAMES,
}
WHERE_INSTEAD = {(EB_NAMESPACE, metric): instead for metric, instead in beanstalk.NOT_PUBLISHED_METRICS.items()}


def _metrics_by_namespace(props) -> list[tuple[str, str]]:
    found = []
    if get(props, "namespace") and get(props, "metricName"):
        found.append((get(props, "namespace"), get(props, "metricName")))
    for query in items(get(props, "metricQueries")):
        namespace, metric = get_path(query, "metric", "namespace"), get_path(query, "metric", "metricName")
        if namespace and metric:
            found.append((namespace, metric))
    return found


@resource_rule(
    "alerting-alarm-metric-exists", area="alerting", category="blind-spot",
    description="Alarms read metrics that their namespace publishes (an alarm on a metric that does not exist never fires).",
    runbook="Alarms on the metrics AWS publishes (CPU from AWS/EC2, latency from enhanced health)",
    remediation="Read CPU and network from AWS/EC2 by Auto Scaling group and latency from ApplicationLatencyP95 "
    "(components/service_alarms.py does); enhanced health must publish the metric (ConfigDocument).",
    types=METRIC_ALARM,
)
def alarm_metric_exists(args, report_violation):
    for namespace, metric in _metrics_by_namespace(args.props):
        known = NAMESPACE_METRICS.get(namespace)
        if known is not None and metric not in known:
            instead = WHERE_INSTEAD.get((namespace, metric))
            hint = f"; use {instead}" if instead else ""
            report_violation(f"{namespace} publishes no metric {metric}: the alarm would stay INSUFFICIENT_DATA{hint}.")


SMS_PREFERENCES = "aws:sns/smsPreferences:SmsPreferences"


@stack_rule(
    "alerting-sms-preferences-per-region", area="alerting", category="blind-spot",
    description="Every region with an SMS subscription has its own SMS preferences (SMS settings and spend quotas are regional).",
    runbook="SMS permissions and spend limit in every region that sends SMS",
    remediation="Declare aws.sns.SmsPreferences on the provider of each region whose topics have SMS subscribers "
    "(components/alerting.py does); raise the account's SMS spend quota there (estate preflight checks it).",
    parameters={"external_regions": {"type": "array", "items": {"type": "string"},
                                      "description": "Regions whose SMS preferences another stack of the account declares "
                                      "(estate policy-config fills it in from alerting.sms.external_regions)."}},
)
def sms_preferences_per_region(args, report_violation):
    external = set(args.get_config().get("external_regions") or [])
    preferences = {provider_region(p) for p in of_type(args.resources, SMS_PREFERENCES)} | external
    if not preferences:
        return  # no preferences anywhere: cost-sms-spend-limit reports it once for the stack
    for subscription in of_type(args.resources, TOPIC_SUBSCRIPTION):
        if get(subscription.props, "protocol") != "sms":
            continue
        region = provider_region(subscription)
        if region not in preferences:
            report_violation(
                f"SMS subscription {subscription.name} is in {region or 'the default region'}, which has no SmsPreferences: "
                "its SMS go out under the region's defaults (a 1 USD monthly spend quota, promotional type) and stop when it is spent.",
                subscription.urn,
            )


DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


def _widget_metric_counts(body) -> list[int]:
    """Metrics each widget of a dashboard body reads: every metric row (hidden math inputs included, as the
    quota counts them); expression rows are not metrics. A Metrics Insights query's metrics are not countable
    offline (the query scans up to its own limit)."""
    counts = []
    for widget in body.get("widgets") or []:
        rows = (widget.get("properties") or {}).get("metrics") or []
        counts.append(sum(1 for row in rows if isinstance(row, list) and row and isinstance(row[0], str)))
    return counts


@resource_rule(
    "alerting-dashboard-metric-limits", area="alerting", category="blind-spot",
    description=f"Dashboards stay within CloudWatch's quotas: at most {cloudwatch.DASHBOARD_MAX_METRICS_PER_WIDGET} metrics per widget, "
    f"{cloudwatch.DASHBOARD_MAX_METRICS} per dashboard and {cloudwatch.DASHBOARD_MAX_WIDGETS} widgets.",
    runbook="Dashboards that CloudWatch accepts (PutDashboard refuses a body beyond the quotas)",
    remediation="Split the graph (components/dashboards.py paginates dashboards; a widget's lines must be split by the section that draws it).",
    types=DASHBOARD,
)
def dashboard_metric_limits(args, report_violation):
    raw = known_or_none(lambda: get(args.props, "dashboardBody"))
    if not isinstance(raw, str):
        return
    try:
        body = json.loads(raw)
    except ValueError:
        report_violation("dashboardBody is not JSON: PutDashboard refuses it.")
        return
    counts = _widget_metric_counts(body)
    for i, n in enumerate(counts):
        if n > cloudwatch.DASHBOARD_MAX_METRICS_PER_WIDGET:
            report_violation(f"widget {i} reads {n} metrics; CloudWatch allows {cloudwatch.DASHBOARD_MAX_METRICS_PER_WIDGET} per widget ({cloudwatch.QUOTAS}).")
    if sum(counts) > cloudwatch.DASHBOARD_MAX_METRICS:
        report_violation(f"the dashboard reads {sum(counts)} metrics; CloudWatch allows {cloudwatch.DASHBOARD_MAX_METRICS} per dashboard ({cloudwatch.QUOTAS}).")
    if len(counts) > cloudwatch.DASHBOARD_MAX_WIDGETS:
        report_violation(f"the dashboard has {len(counts)} widgets; CloudWatch allows {cloudwatch.DASHBOARD_MAX_WIDGETS} ({cloudwatch.DASHBOARD_BODY}).")


MUTE_RULE = "aws:cloudwatch/alarmMuteRule:AlarmMuteRule"
BURN_RATE_MARKER = "-slo-burn-"  # components/maintenance.py: the burn-rate pairs' alarm names
HEALTH_CHECK_MARKER = "-health-check-"  # the Route 53 health checks' alarms (components/healthchecks)


@resource_rule(
    "alerting-mute-keeps-outage-pages", area="alerting", category="hygiene",
    description="Alarm mute rules leave the burn-rate pages on, and a weekly mute rule leaves the public health checks on.",
    runbook="Maintenance-aware paging: planned work does not page, an outage during it still does",
    remediation="Keep maintenance.mute_burn_rate false; mute a service's health check only in an announced one-off window (maintenance.one_off).",
    types=MUTE_RULE,
)
def mute_keeps_outage_pages(args, report_violation):
    names = [name for name in items(known_or_none(lambda: get_path(args.props, "muteTargets", "alarmNames"))) if isinstance(name, str)]
    burn = [name for name in names if BURN_RATE_MARKER in name]
    if burn:
        report_violation(f"mutes the burn-rate pages {', '.join(burn)}: an outage during the window spends the error budget"
                         " without paging (data/catalogue/cloudwatch_mute.py: actions wait until the window ends).")
    expression = known_or_none(lambda: get_path(args.props, "rule", "schedule", "expression"))
    checks = [name for name in names if HEALTH_CHECK_MARKER in name]
    if checks and isinstance(expression, str) and expression.startswith("cron("):
        report_violation(f"mutes the health checks {', '.join(checks)} every week ({expression}): users see an outage"
                         " whatever its cause, and a weekly silence hides one.")
