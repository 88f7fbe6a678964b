"""The rule ``alerting-mute-keeps-outage-pages`` (issue 14 #3) on real renders: prod passes; an estate that
mutes burn-rate pages, or a weekly rule over a public health check, is told."""

from __future__ import annotations

import copy

from policies.rules.runner import run_policies

RULE = "alerting-mute-keeps-outage-pages"
MUTE_RULE = "aws:cloudwatch/alarmMuteRule:AlarmMuteRule"


def _findings(render: dict) -> list[str]:
    return [v.message.partition("\n")[2] for v in run_policies(render).violations if v.policy == RULE]


def test_the_prod_mute_rules_keep_the_outage_pages(prod_render):
    assert _findings(prod_render.to_dict()) == []


def test_a_burn_rate_page_in_a_mute_rule_is_reported(prod_render):
    render = copy.deepcopy(prod_render.to_dict())
    (rule,) = [r for r in render["resources"] if r["type"] == MUTE_RULE]
    rule["inputs"]["muteTargets"]["alarmNames"].append("authz-eb-slo-burn-fast-critical")
    (message,) = _findings(render)
    assert message.startswith("mutes the burn-rate pages authz-eb-slo-burn-fast-critical: an outage")


def test_a_health_check_is_muted_in_a_one_off_window_only(prod_estate, render_estate_dict):
    prod_estate["maintenance"] = {"one_off": [{
        "name": "atlas-move", "start": "2099-12-06T01:00:00Z", "duration": "PT2H",
        "reason": "CHG-1234: move the cluster to M30", "services": ["authz-eb"]}]}
    render = render_estate_dict(prod_estate).to_dict()
    assert _findings(render) == []  # at(): announced, once
    one_off = next(r for r in render["resources"] if r["type"] == MUTE_RULE and r["name"].endswith("atlas-move-us-east-1"))
    one_off["inputs"]["rule"]["schedule"]["expression"] = "cron(0 1 * * SUN)"
    (message,) = _findings(render)
    assert message.startswith("mutes the health checks authz-eb-health-check-critical every week (cron(0 1 * * SUN))")
