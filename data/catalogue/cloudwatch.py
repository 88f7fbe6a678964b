"""CloudWatch's own vocabulary and limits: alarm settings and dashboard limits.

Alarm fields: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
Dashboard body: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
Quotas: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
"""

from __future__ import annotations

PUT_METRIC_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
DASHBOARD_BODY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html"
QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html"

# PutMetricAlarm ComparisonOperator (the four that compare with a static threshold), by
# (direction, inclusive): "above" alarms when the value rises past the threshold.
COMPARISON_OPERATORS = {
    ("above", False): "GreaterThanThreshold",
    ("above", True): "GreaterThanOrEqualToThreshold",
    ("below", False): "LessThanThreshold",
    ("below", True): "LessThanOrEqualToThreshold",
}
COMPARISON_SYMBOLS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
# PutMetricAlarm TreatMissingData: a plain string in the API model; these four are the documented values.
TREAT_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
ALARM_DESCRIPTION_MAX_LENGTH = 1024  # PutMetricAlarm AlarmDescription: 0 to 1024 characters
# PutMetricAlarm AlarmActions and OKActions: each a list of at most 5 ARNs (PUT_METRIC_ALARM). The alarm
# factory uses two at most: the estate-wide topic and the topic of the service's one team.
ALARM_MAX_ACTIONS = 5
# PutMetricAlarm Period: "An alarm's total current evaluation period can be no longer than seven days, so
# Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of less
# than one hour (3,600 seconds), the total evaluation period can't be longer than one day (86,400 seconds)"
# (PUT_METRIC_ALARM). The quotas page still says one day; the API reference is the newer statement.
ALARM_MAX_EVALUATION_SECONDS = 86_400
ALARM_MAX_EVALUATION_SECONDS_LONG_PERIOD = 604_800
ALARM_LONG_PERIOD_SECONDS = 3_600
# Quotas: a metric-math alarm can use at most 10 metrics (QUOTAS).
ALARM_MAX_METRICS = 10
# The provider's validator for metric_query.expression is 1 to 1024 characters (the API model allows 2048):
# terraform-provider-aws internal/service/cloudwatch/metric_alarm.go, which pulumi-aws runs at preview.
ALARM_EXPRESSION_MAX_LENGTH = 1024
ALARM_EXPRESSION_SOURCE = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/cloudwatch/metric_alarm.go"


def alarm_window_problem(period: int, evaluation_periods: int) -> str | None:
    """Why CloudWatch would refuse this alarm window, or None."""
    window = period * evaluation_periods
    if period >= ALARM_LONG_PERIOD_SECONDS:
        if window > ALARM_MAX_EVALUATION_SECONDS_LONG_PERIOD:
            return (f"period ({period}) x evaluation_periods ({evaluation_periods}) = {window} s; CloudWatch allows at most"
                    f" {ALARM_MAX_EVALUATION_SECONDS_LONG_PERIOD} s (seven days)")
        return None
    if window > ALARM_MAX_EVALUATION_SECONDS:
        return (f"period ({period}) x evaluation_periods ({evaluation_periods}) = {window} s; CloudWatch allows at most"
                f" {ALARM_MAX_EVALUATION_SECONDS} s (one day) for a period under an hour")
    return None


# PutCompositeAlarm (COMPOSITE_ALARM): the rule "can include as many as 100 underlying alarms"; AlarmRule is at
# most 10240 characters (the provider's schema, https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/compositealarm/).
# ActionsSuppressor names an alarm whose ALARM state silences this one; ActionsSuppressorWaitPeriod and
# ActionsSuppressorExtensionPeriod (seconds) are required with it: how long the composite waits for the
# suppressor to go into ALARM, and how long after it leaves ALARM the composite stays silent.
COMPOSITE_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html"
COMPOSITE_ALARM_RULE_MAX_LENGTH = 10_240
COMPOSITE_ALARM_MAX_CHILDREN = 100


# PutMetricAlarm Period: "Valid values are 10, 20, 30, and any multiple of 60" (PUT_METRIC_ALARM);
# DatapointsToAlarm: "the number of data points that must be breaching to trigger the alarm", at most
# EvaluationPeriods (an M out of N alarm, M <= N).
ALARM_SUB_MINUTE_PERIODS = (10, 20, 30)


def alarm_period_problem(period: int) -> str | None:
    """Why CloudWatch would refuse this alarm period, or None."""
    if period in ALARM_SUB_MINUTE_PERIODS or (period > 0 and period % 60 == 0):
        return None
    return f"{period} is not an alarm period CloudWatch accepts: 10, 20, 30 or a multiple of 60 seconds"


def datapoints_problem(datapoints_to_alarm: int, evaluation_periods: int) -> str | None:
    """Why CloudWatch would refuse this M-out-of-N setting, or None."""
    if datapoints_to_alarm > evaluation_periods:
        return (f"{datapoints_to_alarm} exceeds evaluation_periods ({evaluation_periods}); CloudWatch needs datapoints"
                " to alarm <= evaluation periods")
    return None


# Dashboards (body structure and quotas).
DASHBOARD_GRID_COLUMNS = 24  # widget x runs 0 to 23, width 1 to 24
DASHBOARD_MAX_WIDGETS = 500
DASHBOARD_MAX_METRICS = 2500  # metrics across all graphs of one dashboard
# Quotas: "Up to 500 metrics per dashboard widget" (math inputs included), review B-15.
DASHBOARD_MAX_METRICS_PER_WIDGET = 500
ALARM_WIDGET_MAX_ALARMS = 100  # an alarm status widget shows at most 100 alarms


# CloudWatch Logs retention (PutRetentionPolicy ``retentionInDays``; EB's RetentionInDays options pass it
# on): "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
# 2192, 2557, 2922, 3288, and 3653."
LOG_RETENTION_SOURCE = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html"
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
