"""Every alarm of the RT estate links to a section of docs/runbooks.md that exists."""

import json
import re
from pathlib import Path

import pytest

from data.config import load_stack_file
from infra.engine import render_stack

ROOT = Path(__file__).resolve().parent.parent
RUNBOOK = ROOT / "docs" / "runbooks.md"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"  # the burn-rate alerts (issue 14)


def _anchors() -> set[str]:
    """GitHub's heading slugs: lower case, spaces to hyphens, punctuation other than '-' dropped."""
    headings = re.findall(r"^#{2,3} (.+)$", RUNBOOK.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_every_alarm_links_to_an_existing_runbook_section(stack, prod_render):
    render = prod_render if stack == "prod" else render_stack(load_stack_file(ROOT / f"Pulumi.{stack}.yaml"))
    document = json.loads(render.to_json())
    alarms = [r for r in document["resources"] if r["type"] in (ALARM, COMPOSITE)]
    assert alarms, "the estate declares alarms"
    anchors = _anchors()
    missing = {}
    for alarm in alarms:
        link = re.search(r"Runbook: (\S+)$", alarm["inputs"]["alarmDescription"]).group(1)
        assert link.split("#")[0].endswith("docs/runbooks.md"), link
        if link.split("#")[1] not in anchors:
            missing[alarm["inputs"].get("name") or alarm["inputs"]["alarmName"]] = link
    assert not missing, f"alarms whose runbook section does not exist: {missing}"


def test_anchor_slugging_matches_headings():
    assert {"5xx-rate", "latency-p95", "health-check", "slo-burn-fast", "slo-burn-slow", "slo-burn-ticket"} <= _anchors()
