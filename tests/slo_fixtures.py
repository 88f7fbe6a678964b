"""A service's burn-rate alerts as the engine's JSON contract renders them (components/slo/burn_rate.py):
three composites over six silent metric-math children, for the hand-written policy fixtures."""

from __future__ import annotations

from data.catalogue.slo import LOAD_BALANCED, alarm_queries
from data.model.slo import BURN_RATE_PAIRS, ServiceObjective, burn_rate_alarm_names, burn_rate_threshold

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"


def _camel(query: dict) -> dict:
    out = {{"return_data": "returnData", "metric_name": "metricName"}.get(k, k): v for k, v in query.items()}
    if "metric" in out:
        out["metric"] = _camel(out["metric"])
    return out


def add_burn_rate_alarms(builder, service: str, environment_urn: str, topics: dict, availability: float = 99.9) -> None:
    """``topics``: severity -> topic URN of the alarms' region."""
    objective = ServiceObjective(availability=availability)
    names = burn_rate_alarm_names(service)
    for pair in BURN_RATE_PAIRS:
        composite, long_name, short_name = names[pair.name]
        rate = pair.burn_rate(objective.window_days)
        tags = {"service": service, "severity": pair.severity.value, "signal": pair.signal,
                "slo_availability": str(availability), "slo_window_days": "30"}
        children = []
        for name, window, which in ((long_name, pair.long_window, "long"), (short_name, pair.short_window, "short")):
            children.append(builder.add(METRIC_ALARM, name, {
                "name": name, "threshold": burn_rate_threshold(objective, rate), "comparisonOperator": "GreaterThanThreshold",
                "alarmActions": [], "okActions": [], "actionsEnabled": True,
                "metricQueries": [_camel(q) for q in alarm_queries(LOAD_BALANCED, "[unknown]", window)],
                "tags": {**tags, "notifies_through": composite, "slo_window": which},
            }, deps=[environment_urn]))
        builder.add(COMPOSITE_ALARM, composite, {
            "alarmName": composite, "alarmRule": f'ALARM("{long_name}") AND ALARM("{short_name}")',
            "alarmActions": ["[unknown]"], "okActions": ["[unknown]"], "tags": tags,
        }, deps=[topics[pair.severity.value], *children])
