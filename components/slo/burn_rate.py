"""Multi-window, multi-burn-rate alerts on a service's availability objective (SRE Workbook, "Alerting on
SLOs"; the pairs and the arithmetic are data: ``data.model.slo``).

Per pair (fast and slow pages, the ticket) two child metric alarms compare the SLI's error ratio
(``data.catalogue.slo``) with ``burn rate x error budget``: one over the long window, one over the short
window that confirms the burn is still going on. Each window is a single alarm period of the window's
length (the ratio of sums over the whole window, what the Workbook measures; M-of-N periods would be a
different, stricter test); the 3-day ticket window relies on CloudWatch's seven-day evaluation range for a
period of an hour or more (``data.catalogue.cloudwatch``). The children have no actions: the pair's
composite alarm ``ALARM(long) AND ALARM(short)`` pages (critical) or tickets (warning) through the
estate's routing, and the fast page's composite suppresses the two slower ones while it is in ALARM
(PutCompositeAlarm ActionsSuppressor), so one incident pages once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.common import type_token
from data.catalogue.slo import alarm_queries
from data.model import Service
from data.model.base import format_number
from data.model.slo import (
    BURN_RATE_PAIRS, BurnRatePair, ServiceObjective, burn_rate_alarm_names, burn_rate_threshold, window_text,
)

FASTEST = BURN_RATE_PAIRS[0]


def objective_tags(objective: ServiceObjective) -> dict[str, str]:
    """What the policy rules recompute the thresholds from (``policies/rules/slo.py``)."""
    return {"slo_availability": format_number(objective.availability), "slo_window_days": str(objective.window_days)}


def pair_sentence(service: Service, pair: BurnRatePair) -> str:
    """``authz-eb spends 2 % of its 30-day error budget (objective 99.9 %) within 1 h: ...``"""
    objective = service.slo
    rate = pair.burn_rate(objective.window_days)
    threshold = burn_rate_threshold(objective, rate)
    return (
        f"{service.name} spends {format_number(round(pair.budget_fraction * 100, 6))} % of its {objective.window_days}-day"
        f" error budget (objective {format_number(objective.availability)} %) within {window_text(pair.long_window)}:"
        f" error ratio > {format_number(threshold)} (burn rate {format_number(rate)}) over"
        f" {window_text(pair.long_window)} and over {window_text(pair.short_window)}."
    )


@dataclass(frozen=True)
class BurnRateAlarmsArgs:
    """The service (with its ``slo``), its SLI's dimension value (the load balancer), the alarm factory."""

    service: Service
    dimension_value: pulumi.Input[str]
    alarms: AlarmFactory


class BurnRateAlarms(pulumi.ComponentResource):
    """The three burn-rate pairs of one service: six silent children, three routed composites."""

    def __init__(self, name: str, args: BurnRateAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("slo", "BurnRateAlarms"), name, None, opts)
        service, factory = args.service, args.alarms
        objective, sli = service.slo, service.sli
        if objective is None or sli is None:
            raise ValueError(f"service {service.name}: burn-rate alarms need an objective and an SLI")
        names = burn_rate_alarm_names(service.name)
        self.composites: dict[str, aws.cloudwatch.CompositeAlarm] = {}
        self.children: dict[str, tuple[aws.cloudwatch.MetricAlarm, aws.cloudwatch.MetricAlarm]] = {}
        for pair in BURN_RATE_PAIRS:
            composite_name, long_name, short_name = names[pair.name]
            rate = pair.burn_rate(objective.window_days)
            threshold = burn_rate_threshold(objective, rate)
            tags = {**objective_tags(objective), "burn_rate": format_number(rate)}
            children = tuple(
                factory.silent_alarm(
                    self, service.name, child_name, signal=pair.signal, severity=pair.severity, value=threshold,
                    what=f"{sli.name} error ratio of {service.name} ({window_text(window)} window of {pair.name} burn)",
                    metric_queries=alarm_queries(sli, args.dimension_value, window), period=window,
                    notifies_through=composite_name, tags={**tags, "slo_window": which},
                )
                for child_name, window, which in ((long_name, pair.long_window, "long"), (short_name, pair.short_window, "short"))
            )
            self.composites[pair.name] = self._composite(factory, service, pair, (long_name, short_name), children, tags)
            self.children[pair.name] = children
        self.register_outputs({"composites": {name: alarm.arn for name, alarm in self.composites.items()}})

    def _composite(self, factory: AlarmFactory, service: Service, pair: BurnRatePair, child_names: tuple[str, str],
                   children, tags: dict[str, str]) -> aws.cloudwatch.CompositeAlarm:
        suppressed = pair is not FASTEST
        long_name, short_name = child_names
        return factory.composite_alarm(
            self, service.name, pair.signal, pair.severity,
            rule=f'ALARM("{long_name}") AND ALARM("{short_name}")',
            what=pair_sentence(service, pair),
            # Silent while the fast page is in ALARM; waits for it as long as its short window needs to confirm,
            # and stays silent after it as long as this pair's short window still sees that burn.
            suppressor=self.composites[FASTEST.name] if suppressed else None,
            wait_period=FASTEST.short_window if suppressed else 0,
            extension_period=pair.short_window if suppressed else 0,
            tags=tags, depends_on=list(children),
        )
