"""``estate diff`` in the reviewer's terms, on a pull request a reviewer would see: one threshold changed
(affret-ia-api-v2's CPU warning, 70 by default, now 60), one Elastic Beanstalk scaling option (authz-eb's
``cpu_upper`` 70 → 75) and one service removed (tms-sync-eb, with its place on an overview dashboard).

Both sides are rendered by the offline engine from parsed stack files (the base is the production
stack file, ``prod_render``); the comparison is given both files' texts, as the command passes them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.config import load_stack_file
from tools.diff import COMMENT_LIMIT, DANGEROUS, diff_renders, to_markdown, to_text

ROOT = Path(__file__).resolve().parent.parent


def _head_text(base: str) -> str:
    head = base.replace("scaling: {min: 2, max: 4, cpu_upper: 70, cpu_lower: 20}",
                        "scaling: {min: 2, max: 4, cpu_upper: 75, cpu_lower: 20}")
    head = head.replace("        scaling: {min: 1, max: 2}\n",
                        "        scaling: {min: 1, max: 2}\n        thresholds: {cpu: {warning: 60, critical: 85}}\n")
    start, end = head.index("      - name: tms-sync-eb"), head.index("      - name: affret-ia-api-v2")
    head = head[:start] + head[end:]
    head = head.replace("services: [tms-sync-eb, authz-eb, affret-ia-api-v2]", "services: [authz-eb, affret-ia-api-v2]")
    # Its waiver goes with it (an exemption of no resource is bad input).
    start = head.index("      - policy: alerting-slo-objective-declared\n        resource: tms-sync-eb-prod")
    head = head[:start] + head[head.index("      - policy:", start + 1):]
    assert head.count("cpu_upper: 75") == 1 and head.count("warning: 60") == 1 and "tms-sync-eb" not in head
    return head


@pytest.fixture(scope="module")
def reviewed(prod_render, tmp_path_factory):
    from infra.engine import render_stack

    base_text = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    head_text = _head_text(base_text)
    head_file = tmp_path_factory.mktemp("head") / "Pulumi.prod.yaml"
    head_file.write_text(head_text, encoding="utf-8")
    head = render_stack(load_stack_file(head_file)).to_dict()
    result = diff_renders(prod_render.to_dict(), head, base_label="origin/main", stack="prod",
                          base_stack_text=base_text, head_stack_text=head_text)
    return result, to_markdown(result)


def test_the_comment_names_keys_the_eb_option_and_the_removed_service_in_one_line(reviewed):
    result, markdown = reviewed
    assert len(markdown) < COMMENT_LIMIT and result.exit_code == DANGEROUS
    # The danger list stays first; the stack-file changes follow it, before any resource detail.
    danger_at, keys_at = markdown.index("### ⚠️ Dangerous changes"), markdown.index("### Stack-file changes")
    assert danger_at < keys_at < markdown.index("### Resources by service and family")
    keys = markdown[keys_at:].split("\n### ", 1)[0]
    assert "- `estate.services[affret-ia-api-v2].thresholds.cpu.warning`: 70 → 60" in keys
    assert "- `estate.services[authz-eb].scaling.cpu_upper`: 70 → 75" in keys
    assert "- `estate.services[tms-sync-eb]`: removed" in keys
    assert "- `estate.dashboards[Symphonia-Production].services`:" in keys
    # The service's waiver goes with it: a policy matter, with no resource of its own under it.
    waiver = keys.split("- `estate.exemptions[tms-sync-eb-prod]`: removed", 1)[1]
    assert waiver.split("\n- `", 1)[0].strip() == "- no resource changed"
    # Each key is followed by what it changed: the EB option by namespace and name, the alarm's threshold.
    scaling = keys.split("scaling.cpu_upper", 1)[1].split("\n- ", 1)[0]
    assert "**authz-eb-prod**: `settings[aws:autoscaling:trigger UpperThreshold]` 70 → 75" in scaling
    threshold = keys.split("thresholds.cpu.warning", 1)[1].split("\n- ", 1)[0]
    assert "**affret-ia-api-v2-cpu-warning**: `threshold` 70 → 60" in threshold
    assert "authz-eb-prod" not in threshold and "tms-sync-eb" not in threshold
    # The removed service is one line with its count; its resources are not a flat list outside a fold.
    assert "**service tms-sync-eb removed (33 resources)**" in keys
    assert len(result.services) == 1 and len(result.services[0].resources) == 33
    outside_folds = re.sub(r"<details>.*?</details>", "", markdown, flags=re.S)
    assert "tms-sync-eb-cpu-warning" not in outside_folds.split("### Resources by service and family", 1)[1]
    assert "settings[13]" not in markdown


def test_resources_are_grouped_by_service_and_family(reviewed):
    result, markdown = reviewed
    owners = {r.name: (r.owner, r.family) for r in result.resources if r.kind == "changed"}
    assert owners["authz-eb-prod"] == ("service authz-eb", "beanstalk")
    assert owners["affret-ia-api-v2-cpu-warning"] == ("service affret-ia-api-v2", "alarms")
    assert owners["Symphonia-Production"] == ("Symphonia-Production-overview", "dashboards")
    detail = markdown.split("### Resources by service and family", 1)[1]
    service = detail.split("#### service authz-eb\n", 1)[1].split("\n#### ", 1)[0]
    assert "**beanstalk**" in service and "**authz-eb-prod**" in service


def test_overview_widgets_are_matched_by_identity_not_position(reviewed):
    """Removing tms-sync-eb from the overview removes its widgets; no other service's widget is re-pointed,
    and no offline fake value (an Auto Scaling group, a load balancer) reads as a change."""
    result, _ = reviewed
    overview = next(r for r in result.resources if r.name == "Symphonia-Production")
    removed = [c.path for c in overview.changes if c.kind == "removed"]
    assert "dashboardBody widget metric 'Health' of tms-sync-eb" in removed
    assert "dashboardBody widget metric 'CPU and disk (%)' of tms-sync-eb" in removed
    changed = [c for c in overview.changes if c.kind == "changed"]
    assert [c.path for c in changed if "properties" in c.path] == [
        "dashboardBody widget metric 'CPU and disk (%)' of affret-ia-api-v2.properties.annotations.horizontal[0].value"]
    every_value = repr([(c.before, c.after) for r in result.resources for c in r.changes if c.kind == "changed"])
    assert "AWSEBAutoScalingGroup" not in every_value and "awseb-" not in every_value
    assert all(c.before is None for c in overview.changes if c.kind == "added")
    assert all(c.after is None and c.before != "(removed)" for c in overview.changes if c.kind == "removed")


def test_long_alarm_description_shows_its_changed_part(reviewed):
    result, markdown = reviewed
    alarm = next(r for r in result.resources if r.name == "affret-ia-api-v2-cpu-warning")
    description = next(c for c in alarm.changes if c.path == "alarmDescription")
    assert len(description.before) > 80
    row = next(line for line in markdown.splitlines() if line.startswith("| `alarmDescription` |"))
    before, after = row.split(" | ")[1:3]
    assert before != after and "**70**" in before and "**60**" in after


def test_text_output_reads_the_same(reviewed):
    result, _ = reviewed
    text = to_text(result)
    assert "estate.services[authz-eb].scaling.cpu_upper: 70 -> 75" in text
    assert "settings[aws:autoscaling:trigger UpperThreshold] 70 -> 75" in text
    assert "service tms-sync-eb removed (33 resources)" in text
