"""Routing by service (issue 12 #6): a team's services page that team.

``alerting.teams`` names the services each team answers for and who in the team hears which severity.
Every alarm keeps acting on the estate-wide topic of its severity in its own region; an alarm of a team's
service also acts on the team's topic of that severity and region, which exists only when the team has a
subscriber at that severity. A CloudFront distribution's alarms (us-east-1) belong to the service it fronts.
"""

from __future__ import annotations

import pytest

from data.config import EstateConfigError, parse_estate
from data.model import SEVERITIES_BY_URGENCY
from policies.rules.runner import run_policies

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
REGIONS = ("eu-central-1", "us-east-1")
AUTH_TEAM = {
    "name": "auth",
    "services": ["authz-eb"],
    "subscriptions": [
        {"name": "auth-pager", "protocol": "email", "endpoint": "auth-oncall@example.com", "severities": ["critical"]},
        {"name": "auth-chat", "protocol": "email", "endpoint": "auth@example.com", "severities": ["critical", "warning"]},
    ],
}


@pytest.fixture(scope="module")
def team_render(_prod_estate_pristine):
    import copy

    from tests.conftest import render_estate_dict

    estate = copy.deepcopy(_prod_estate_pristine)
    estate["alerting"]["teams"] = [AUTH_TEAM]
    return render_estate_dict(estate)


def _arn(render, topic) -> str:
    return f"arn:aws:sns:{render.region_of(topic)}:123456789012:{topic.inputs['name']}"


def _topics(render) -> dict[str, object]:
    return {_arn(render, t): t for t in render.of_type(TOPIC)}


def test_team_topics_per_region_only_for_the_severities_the_team_hears(team_render):
    names = {(team_render.region_of(t), t.inputs["name"]) for t in team_render.of_type(TOPIC)}
    team = {(region, name) for region, name in names if name.startswith("rt-estate-prod-auth-")}
    assert team == {(region, f"rt-estate-prod-auth-{sev}") for region in REGIONS for sev in ("critical", "warning")}
    # The estate-wide topics are all still there: estate-wide subscribers keep hearing everything.
    assert {(region, f"rt-estate-prod-{sev.value}") for region in REGIONS for sev in SEVERITIES_BY_URGENCY} <= names
    tags = {t.inputs["name"]: t.inputs["tags"] for t in team_render.of_type(TOPIC)}
    assert tags["rt-estate-prod-auth-critical"]["team"] == "auth" and "team" not in tags["rt-estate-prod-critical"]


def test_team_subscribers_hear_their_severities_on_their_topics_only(team_render):
    topics = _topics(team_render)
    heard = {(topics[s.inputs["topic"]].inputs["name"], s.inputs["endpoint"]) for s in team_render.of_type(SUBSCRIPTION)
             if s.inputs["topic"] in topics}
    team = {pair for pair in heard if pair[1].endswith("@example.com")}
    assert team == {("rt-estate-prod-auth-critical", "auth-oncall@example.com"),
                    ("rt-estate-prod-auth-critical", "auth@example.com"), ("rt-estate-prod-auth-warning", "auth@example.com")}


def test_every_alarm_of_a_teams_service_reaches_the_team_in_its_region(team_render):
    topics = _topics(team_render)
    team_services = {"authz-eb", "authz-cdn"}  # authz-cdn fronts authz-eb
    seen_regions = set()
    for alarm in team_render.of_type(ALARM) + team_render.of_type(COMPOSITE):
        tags, region = alarm.inputs["tags"], team_render.region_of(alarm)
        if "notifies_through" in tags:  # a burn-rate child: its composite (checked here too) pages
            assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == []
            continue
        actions = [topics[arn].inputs["name"] for arn in alarm.inputs["alarmActions"]]
        assert alarm.inputs["okActions"] == alarm.inputs["alarmActions"]
        assert all(arn.split(":")[3] == region for arn in alarm.inputs["alarmActions"]), alarm.inputs["name"]
        estate_topic = f"rt-estate-prod-{tags['severity']}"
        if tags["service"] in team_services:
            assert actions == [estate_topic, f"rt-estate-prod-auth-{tags['severity']}"], alarm.inputs.get("name")
            assert tags["team"] == "auth"
            seen_regions.add(region)
        else:
            assert actions == [estate_topic], alarm.inputs.get("name") or alarm.inputs["alarmName"]
            assert "team" not in tags
    # CloudFront and Route 53 alarms live in us-east-1 and page the team there.
    assert seen_regions == set(REGIONS)


def test_a_severity_the_team_does_not_hear_reaches_the_estate_only(_prod_estate_pristine, render_estate_dict):
    import copy

    estate = copy.deepcopy(_prod_estate_pristine)
    estate["alerting"]["teams"] = [{**AUTH_TEAM, "subscriptions": AUTH_TEAM["subscriptions"][:1]}]  # critical only
    render = render_estate_dict(estate)
    topics = _topics(render)
    warning = render.named("authz-eb-cpu-warning", ALARM)
    assert [topics[arn].inputs["name"] for arn in warning.inputs["alarmActions"]] == ["rt-estate-prod-warning"]
    assert not any(t.inputs["name"] == "rt-estate-prod-auth-warning" for t in render.of_type(TOPIC))


def test_team_routing_passes_the_alerting_rules(team_render):
    import json

    result = run_policies(json.loads(team_render.to_json()))
    # Without the stack file's config prod's exemptions do not apply: its two services without an objective
    # are advised (issue 14), which is no routing finding.
    alerting = [v.to_dict() for v in result.violations
                if v.policy.startswith("alerting-") and v.policy != "alerting-slo-objective-declared"]
    assert alerting == []
    assert "alerting-alarm-team-routing" in result.evaluated


def _problems(estate) -> list[str]:
    with pytest.raises(EstateConfigError) as error:
        parse_estate(estate, "eu-central-1")
    return error.value.problems


def test_an_unknown_service_of_a_team_is_refused_with_a_suggestion(prod_estate):
    prod_estate["alerting"]["teams"] = [{**AUTH_TEAM, "services": ["authz-eb", "auth-eb"]}]
    assert _problems(prod_estate) == [
        "estate.alerting.teams[0].services[1]: unknown service 'auth-eb' (did you mean 'authz-eb'?)"]


def test_a_service_in_two_teams_is_refused(prod_estate):
    prod_estate["alerting"]["teams"] = [AUTH_TEAM, {**AUTH_TEAM, "name": "identity"}]
    (problem,) = _problems(prod_estate)
    assert problem.startswith("estate.alerting.teams[1].services[0]: 'authz-eb' already belongs to team alerting.teams[0]")


@pytest.mark.parametrize("team, expected", [
    ({**AUTH_TEAM, "name": "critical"}, "estate.alerting.teams[0].name: 'critical' is a severity"),
    ({**AUTH_TEAM, "services": []}, "estate.alerting.teams[0].services: "),
    ({**AUTH_TEAM, "subscriptions": []}, "estate.alerting.teams[0].subscriptions: "),
    ({**AUTH_TEAM, "servces": ["authz-eb"]}, "estate.alerting.teams[0].servces: unknown key (did you mean 'services'?)"),
])
def test_malformed_teams_are_refused_with_their_key_path(prod_estate, team, expected):
    prod_estate["alerting"]["teams"] = [team]
    problems = _problems(prod_estate)
    assert any(p.startswith(expected) for p in problems), problems
