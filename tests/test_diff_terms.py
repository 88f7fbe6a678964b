"""The pieces of ``estate diff``'s reviewer's terms, on small inputs: stack-file key paths, Elastic
Beanstalk options by namespace and name, long values by their changed part, stack outputs, extra
sections, and the comment limit that never trims the stack-file changes or the extra sections."""

from __future__ import annotations

import copy

from tools.diff import COMMENT_LIMIT, CHANGED, NO_CHANGE, diff_renders, stack_file_changes, to_markdown, to_text
from tools.diff.textdiff import compact_pair

ENV = "aws:elasticbeanstalk/environment:Environment"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"

BASE = """\
config:
  aws:region: eu-central-1
  monitored-estate:token:
    secure: v1:AAAA
  monitored-estate:estate:
    organisation: acme
    services:
      - {name: api, scaling: {min: 1, max: 2}}
      - {name: notify-svc, scaling: {min: 1, max: 1}}
    buckets:
      - name: docs
        lifecycle: [{id: old, expiration_days: 30}]
"""


def _as_written(changes):
    return [(k.kind, k.path, k.before, k.after) for k in changes]


def test_stack_file_keys_by_item_name_one_line_per_item_secrets_hidden():
    head = (BASE.replace("secure: v1:AAAA", "secure: v1:BBBB")
            .replace("      - {name: notify-svc, scaling: {min: 1, max: 1}}\n", "")
            .replace("{name: api, scaling: {min: 1, max: 2}}", "{name: api, scaling: {min: 1, max: 4}}")
            .replace("expiration_days: 30}", "expiration_days: 60}, {id: new, expiration_days: 7}"))
    changes = _as_written(stack_file_changes(BASE, head))
    # An estate this small does not validate against the model: compared as written.
    assert ("changed", "token", "[secret]", "[secret]") in changes
    assert ("changed", "estate.services[api].scaling.max", 2, 4) in changes
    assert ("removed", "estate.services[notify-svc]", {"name": "notify-svc", "scaling": {"min": 1, "max": 1}}, None) in changes
    assert ("changed", "estate.buckets[docs].lifecycle[old].expiration_days", 30, 60) in changes
    assert ("added", "estate.buckets[docs].lifecycle[new]", None, {"id": "new", "expiration_days": 7}) in changes
    assert len(changes) == 5 and "v1:" not in repr(changes)
    assert stack_file_changes(BASE, BASE) == []


def test_stack_file_keys_read_the_model_defaults(prod_stack_file):
    """A key newly written reads against the default it replaces (the model fills defaults in); a level
    left out where the model then reads none is said too."""
    text = prod_stack_file.path.read_text(encoding="utf-8")
    head = text.replace("        scaling: {min: 1, max: 1}   # the per-instance cron",
                        "        thresholds: {cpu: {warning: 60, critical: 85}}\n        scaling: {min: 1, max: 1}   # the per-instance cron")
    assert head != text
    changes = _as_written(stack_file_changes(text, head))
    assert changes == [("changed", "estate.services[tms-sync-eb].thresholds.cpu.warning", 70.0, 60)]
    warning_only = head.replace("{warning: 60, critical: 85}", "{warning: 60}")
    assert ("changed", "estate.services[tms-sync-eb].thresholds.cpu.critical", 85.0, None) in _as_written(
        stack_file_changes(text, warning_only))
    md_key = f"`{changes[0][1]}`: 70 → 60"
    from tools.diff.result import DiffResult, KeyChange

    result = DiffResult("b", "prod", [], 0, 0, stack_changes=[KeyChange(*changes[0][1:], kind="changed")])
    assert md_key in to_markdown(result)


def _env(settings, name="api-prod"):
    return {"urn": f"urn:pulumi:prod::monitored-estate::{ENV}::{name}", "type": ENV, "name": name, "custom": True,
            "parent": None, "provider": None, "protect": False, "dependencies": [], "inputs": {"name": name, "settings": settings}}


def test_eb_options_by_namespace_and_name_whatever_their_position():
    trigger = {"namespace": "aws:autoscaling:trigger", "name": "UpperThreshold", "value": "70"}
    size = {"namespace": "aws:autoscaling:asg", "name": "MaxSize", "value": "4"}
    port = {"namespace": "aws:elasticbeanstalk:environment:process:default", "name": "Port", "value": "8080"}
    base = {"resources": [_env([size, trigger])]}
    head = {"resources": [_env([dict(trigger, value="75"), size, port])]}  # reordered, one changed, one added
    (env,) = diff_renders(base, head, base_label="b", stack="prod").resources
    assert [(c.kind, c.path, c.before, c.after) for c in env.changes] == [
        ("changed", "settings[aws:autoscaling:trigger UpperThreshold]", "70", "75"),
        ("added", "settings[aws:elasticbeanstalk:environment:process:default Port]", None, "8080"),
    ]
    text = to_text(diff_renders(base, head, base_label="b", stack="prod"))
    assert "settings[aws:autoscaling:trigger UpperThreshold]: 70 -> 75" in text
    # The same option of two resources: told apart by the resource.
    ports = [dict(port, resource="a"), dict(port, resource="b", value="80")]
    changed = [ports[0], dict(ports[1], value="81")]
    (env,) = diff_renders({"resources": [_env(ports)]}, {"resources": [_env(changed)]}, base_label="b", stack="prod").resources
    assert [(c.path, c.before, c.after) for c in env.changes] == [
        ("settings[aws:elasticbeanstalk:environment:process:default Port (b)]", "80", "81")]


def test_a_change_past_80_characters_is_shown():
    prefix = "CRITICAL: the average CPU of the environment's instances, sampled every minute, has stayed "
    before, after = prefix + "above 85 % for 3 periods.", prefix + "above 90 % for 3 periods."
    assert len(prefix) > 80
    old, new = compact_pair(before, after)
    assert "[-85-]" in old and "{+90+}" in new and len(old) < len(before)
    query = "SELECT MAX(RootFilesystemUtil) FROM SCHEMA(\"AWS/ElasticBeanstalk\", EnvironmentName, InstanceId) WHERE EnvironmentName = 'a'"
    old, new = compact_pair(query, query.replace("= 'a'", "= 'b'"), ("**", "**", "**", "**"))
    assert old.endswith("**a**'") and new.endswith("**b**'")
    assert compact_pair(70.0, 75) == ("70", "75")


def _alarm(name, **inputs):
    return {"urn": f"urn:pulumi:prod::monitored-estate::{ALARM}::{name}", "type": ALARM, "name": name, "custom": True,
            "parent": None, "provider": None, "protect": False, "dependencies": [], "inputs": {"name": name, **inputs}}


def test_stack_outputs_that_change_are_listed():
    base = {"resources": [_alarm("a", threshold=1)], "outputs": {"region": "eu-central-1", "redis_url": "rediss://old:6379"}}
    head = copy.deepcopy(base)
    head["outputs"]["redis_url"] = "rediss://new:6379"
    head["outputs"]["mail_dns_records"] = [{"name": "_amazonses.example.org", "type": "TXT"}]
    result = diff_renders(base, head, base_label="b", stack="prod")
    assert [(c.kind, c.path) for c in result.outputs] == [("added", "mail_dns_records"), ("changed", "redis_url")]
    assert result.exit_code == CHANGED and not result.resources
    outputs = to_markdown(result).split("### Stack outputs (2)", 1)[1]
    assert "| `redis_url` | rediss://old:6379 | rediss://new:6379 |" in outputs and "_amazonses.example.org" in outputs
    # A base rendered before outputs were recorded says nothing about them.
    older = {"resources": base["resources"]}
    assert diff_renders(older, head, base_label="b", stack="prod").exit_code == NO_CHANGE


def test_extra_sections_sit_after_policies_and_survive_the_comment_limit():
    count = 2500
    base = {"resources": [_alarm(f"alarm-{i:04d}", **{f"p{j}": f"v-{i}-{j}-" + "x" * 60 for j in range(30)}) for i in range(count)]}
    head = copy.deepcopy(base)
    for resource in head["resources"]:
        resource["inputs"] = {k: (v.replace("v-", "w-") if k != "name" else v) for k, v in resource["inputs"].items()}
    result = diff_renders(base, head, base_label="b", stack="prod",
                          base_stack_text="config: {a: 1}\n", head_stack_text="config: {a: 2}\n")
    result.extra_sections.append(("Cost of the change", "+12.40 USD a month (alarms)"))
    markdown = to_markdown(result)
    assert len(markdown) <= COMMENT_LIMIT and "more resource change(s) not shown" in markdown
    assert "- `a`: 1 → 2" in markdown  # the stack-file change is never trimmed
    cost = markdown.index("### Cost of the change\n\n+12.40 USD a month (alarms)")
    assert markdown.index("### Stack-file changes") < cost < markdown.index("### Resources by service and family")
    assert "Cost of the change:\n+12.40 USD a month (alarms)" in to_text(result)


def _exporting_program() -> None:
    import pulumi

    pulumi.export("endpoint", "https://api.example.org")
    pulumi.export("records", [{"name": pulumi.Output.from_input("_dmarc.example.org"), "type": "TXT"}])
    pulumi.export("token", pulumi.Output.secret("hunter2-not-shown"))


def test_the_engine_records_stack_outputs_secrets_hidden(prod_render):
    from infra.engine import render_program

    render = render_program(_exporting_program, stack="outputs", config={"aws:region": "eu-central-1"})
    assert render.to_dict()["outputs"] == {
        "endpoint": "https://api.example.org", "records": [{"name": "_dmarc.example.org", "type": "TXT"}], "token": "[secret]"}
    assert "hunter2" not in render.to_json()
    # The estate's: the DNS records the mail domain asks to publish, the region.
    outputs = prod_render.to_dict()["outputs"]
    assert outputs["region"] == "eu-central-1" and any(r["type"] == "MX" for r in outputs["mail_dns_records"])


def test_the_base_stack_text_is_read_at_the_revision(tmp_path):
    import subprocess

    from tools.diff import stack_text_at_ref

    git = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "commit.gpgsign=false"]
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(BASE, encoding="utf-8")
    for args in (["init", "--quiet"], ["add", "-A"], ["commit", "--quiet", "-m", "base"]):
        subprocess.run([*git, *args], cwd=tmp_path, check=True, capture_output=True)
    stack.write_text(BASE.replace("max: 2", "max: 4"), encoding="utf-8")
    assert stack_text_at_ref("HEAD", stack) == BASE
    assert stack_text_at_ref("HEAD", tmp_path / "Pulumi.dr.yaml") is None


def test_every_stack_file_key_stays_when_the_comment_is_full():
    """Hundreds of keys, each with its resources: the key lines all stay; what they changed is counted."""
    services = [f"svc-{i:03d}" for i in range(300)]
    base = {"resources": [dict(_alarm(f"{s}-alarm-{j}", threshold=70, description="d" * 150), name=f"{s}-alarm-{j}")
                          for s in services for j in range(10)]}
    for resource in base["resources"]:
        resource["inputs"]["tags"] = {"service": resource["name"].rsplit("-alarm-", 1)[0]}
    head = copy.deepcopy(base)
    for resource in head["resources"]:
        resource["inputs"]["threshold"] = 60
    text = "config:\n  monitored-estate:estate:\n    services:\n" + "".join(f"      - {{name: {s}, x: 1}}\n" for s in services)
    result = diff_renders(base, head, base_label="b", stack="prod", base_stack_text=text, head_stack_text=text.replace("x: 1", "x: 2"))
    assert all(len(k.resources) == 10 for k in result.stack_changes)
    markdown = to_markdown(result)
    assert len(markdown) <= COMMENT_LIMIT
    assert all(f"- `estate.services[{s}].x`: 1 → 2" in markdown for s in services)


def test_a_base_the_model_cannot_read_is_compared_as_written(prod_stack_file):
    """A base of an older schema (here: a key the model refuses) is compared as written on both sides,
    not against the head's defaults; a secure value nested anywhere is never shown."""
    text = prod_stack_file.path.read_text(encoding="utf-8")
    old = text.replace("    organisation: rt-technologie\n", "    organisation: rt-technologie\n    retired_key: {secure: v1:OLD}\n")
    head = text.replace("scaling: {min: 2, max: 4, cpu_upper: 70, cpu_lower: 20}", "scaling: {min: 2, max: 4, cpu_upper: 75, cpu_lower: 20}")
    changes = _as_written(stack_file_changes(old, head))
    assert changes == [
        ("removed", "estate.retired_key", "[secret]", None),
        ("changed", "estate.services[authz-eb].scaling.cpu_upper", 70, 75),
    ]
    nested = old.replace("retired_key: {secure: v1:OLD}", "retired_key: {token: {secure: v1:OLD}}")
    assert "v1:OLD" not in repr(stack_file_changes(nested, head))


def _component(type_, name):
    return {"urn": f"urn:pulumi:prod::monitored-estate::{type_}::{name}", "type": type_, "name": name, "custom": False,
            "parent": None, "provider": None, "protect": False, "dependencies": [], "inputs": {}}


def test_a_key_deep_in_a_section_goes_to_the_resources_named_after_its_item():
    routing = _component("monitored-estate:alerting:AlertRouting", "acme-prod-alerting")
    subscription = "aws:sns/topicSubscription:TopicSubscription"

    def sub(name, endpoint):
        return {"urn": f"urn:pulumi:prod::monitored-estate::monitored-estate:alerting:AlertRouting${subscription}::{name}",
                "type": subscription, "name": name, "custom": True, "parent": routing["urn"], "provider": None,
                "protect": False, "dependencies": [], "inputs": {"protocol": "https", "endpoint": endpoint}}

    base = {"resources": [routing, sub("acme-warning-devops-email", "a"), sub("acme-warning-chat", "c")]}
    head = copy.deepcopy(base)
    for resource in head["resources"][1:]:
        resource["inputs"]["endpoint"] += "2"
    text = ("config:\n  monitored-estate:estate:\n    alerting:\n      subscriptions:\n"
            "        - {name: devops-email, endpoint: a}\n        - {name: chat, endpoint: c}\n")
    result = diff_renders(base, head, base_label="b", stack="prod", base_stack_text=text,
                          head_stack_text=text.replace("endpoint: a}", "endpoint: a2}"))
    (key,) = result.stack_changes
    assert key.path == "estate.alerting.subscriptions[devops-email].endpoint"
    assert [urn.rsplit("::", 1)[1] for urn in key.resources] == ["acme-warning-devops-email"]


def test_a_service_added_is_one_line_also_without_the_stack_files():
    """Without the stack files, services are read from the renders' service components."""
    service = _component("monitored-estate:beanstalk:BeanstalkService", "notify-svc")
    alarms = _component("monitored-estate:alarms:ServiceAlarms", "notify-svc-alarms")
    alarm = dict(_alarm("notify-svc-cpu-warning", threshold=70), parent=alarms["urn"])
    shared = _alarm("platform-errors", threshold=1)
    result = diff_renders({"resources": [shared]}, {"resources": [shared, service, alarms, alarm]}, base_label="b", stack="prod")
    assert [s.line() for s in result.services] == ["service notify-svc added (3 resources)"]
    markdown = to_markdown(result)
    assert "- **service notify-svc added (3 resources)**" in markdown
    assert "#### service notify-svc added (3 resources)" in markdown and "- added" not in markdown
