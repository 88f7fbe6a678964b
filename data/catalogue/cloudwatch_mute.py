"""CloudWatch alarm mute rules: what a rule is, what it does, its syntax and its limits.

User guide: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules.html
How muting behaves: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html
API: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutAlarmMuteRule.html,
API_Schedule.html and API_MuteTargets.html beside it. Provider resource (pulumi-aws ``aws.cloudwatch.AlarmMuteRule``):
https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/alarmmuterule/

What muting does (PUT_ALARM_MUTE_RULE): "targeted alarms continue to evaluate metrics and transition between
states, but their configured actions (such as Amazon SNS notifications or Auto Scaling actions) are muted".
The behaviour page adds: muting mutes the actions of every state (OK, ALARM and INSUFFICIENT_DATA), and an
alarm still in ALARM when the window ends runs its ALARM action then (a fault that outlives the window pages).
Deleting a rule unmutes at once (DeleteAlarmMuteRule: "If those alarms are in an ALARM state, their
configured actions will trigger").

Not settled by the documentation read (2026-11-29):
- whether a composite alarm can be a mute target: MuteTargets says only "alarm names" that "must match
  existing alarms"; the estate never mutes a composite (the burn-rate pairs stay on, components/maintenance.py);
- a quota of mute rules per account and Region: the service quotas page lists none; the estate declares a
  handful per Region;
- CloudFormation's MuteTargets page gives "Maximum: 500" alarm names where the API reference gives 100: the
  estate keeps to the API's 100.
"""

from __future__ import annotations

USER_GUIDE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules.html"
BEHAVIOUR = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html"
PUT_ALARM_MUTE_RULE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutAlarmMuteRule.html"
SCHEDULE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Schedule.html"
MUTE_TARGETS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MuteTargets.html"
PROVIDER_PAGE = "https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/alarmmuterule/"

# MuteTargets AlarmNames: "You can specify up to 100 alarm names", each 1 to 255 characters, and "The alarm
# names must match existing alarms in your AWS account and region" (MUTE_TARGETS): a rule lives in the Region
# of its alarms and is created after them.
MUTE_RULE_MAX_ALARMS = 100
# Schedule Duration: "ISO 8601 duration format with a minimum of 1 minute (PT1M) and maximum of 15 days (P15D)"
# (SCHEDULE); it "begins when the schedule expression time is reached" and "applies to each occurrence".
MUTE_MIN_MINUTES = 1
MUTE_MAX_MINUTES = 15 * 24 * 60
# Schedule Expression, 1 to 256 characters (SCHEDULE):
# - recurring: ``cron(Minutes Hours Day-of-month Month Day-of-week)``, five fields, "English names can be used
#   for the month (JAN-DEC) and day of week (SUN-SAT)", e.g. ``cron(0 2 * * SUN)`` "every Sunday at 2:00 AM";
# - one time: ``at(yyyy-MM-ddThh:mm)``, e.g. ``at(2024-12-23T00:00)``.
# Timezone: optional, an IANA name, "Defaults to UTC" (PROVIDER_PAGE).
CRON_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
TIMEZONE_UTC = "UTC"
# StartDate / ExpireDate: RFC 3339 with seconds 00, and "Must not be set when using at() expressions"
# (PROVIDER_PAGE): a one-time window is its at() and its duration; the estate sets neither date.
# Description: 0 to 1024 characters (PUT_ALARM_MUTE_RULE).
MUTE_DESCRIPTION_MAX_LENGTH = 1024
# MuteType (read only): RECURRING for cron(), ONE_TIME for at(); Status SCHEDULED, ACTIVE or EXPIRED.
MUTE_TYPES = ("RECURRING", "ONE_TIME")

# Elastic Beanstalk managed platform updates run "during a scheduled maintenance window" that starts at the
# environment's PreferredStartTime (aws:elasticbeanstalk:managedactions), "with no reduction in capacity":
# https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environment-platform-update-managed.html
# The length of that window is not in the part of the page read here; the estate assumes two hours and
# mutes for the longer of that and the estate's own window (three hours by default), from the same start.
EB_MANAGED_UPDATE_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environment-platform-update-managed.html"
EB_MANAGED_UPDATE_WINDOW_MINUTES = 120


def iso_duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration the Schedule accepts: ``PT3H``, ``P1DT2H30M``."""
    if not MUTE_MIN_MINUTES <= minutes <= MUTE_MAX_MINUTES:
        raise ValueError(f"a mute lasts {MUTE_MIN_MINUTES} minute to 15 days (P15D), got {minutes} minutes")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    time = f"{hours}H" * bool(hours) + f"{mins}M" * bool(mins)
    return f"P{f'{days}D' if days else ''}{'T' + time if time else ''}"


def weekly_cron(day: str, hour: int, minute: int) -> str:
    """A weekly start as a mute-rule cron (five fields, day of week by name): ``cron(0 2 * * SUN)``."""
    day = day.upper()
    if day not in CRON_DAYS:
        raise ValueError(f"day '{day}' is not one of {', '.join(CRON_DAYS)}")
    return f"cron({minute} {hour} * * {day})"


def at_expression(year: int, month: int, day: int, hour: int, minute: int) -> str:
    """A one-time start: ``at(2026-12-06T01:00)`` (read in the rule's timezone, UTC here)."""
    return f"at({year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d})"
