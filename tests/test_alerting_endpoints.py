"""Issue 10 #6: webhook endpoints are credentials. A subscription endpoint may be a secret reference
(rendered as a Pulumi secret, "[secret]"); a plaintext endpoint that carries a credential is refused
with exit 2 and the key path."""

from __future__ import annotations

import pytest

from data.catalogue.sns import url_credential
from data.config import EstateConfigError, parse_estate

SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def _with_endpoint(estate: dict, index: int, endpoint) -> dict:
    estate["alerting"]["subscriptions"][index]["endpoint"] = endpoint
    return estate


def _https_index(estate: dict) -> int:
    return next(i for i, s in enumerate(estate["alerting"]["subscriptions"]) if s["protocol"] == "https")


@pytest.mark.parametrize("url", [
    "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue",
    "https://events.eu.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue",
    "https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "https://contoso.webhook.office.com/webhookb2/1111@2222/IncomingWebhook/abcd/3333",
    "https://chat.example.com/hooks/xh7d8s9sdf8sdf8sdf",
    "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=abc",
    "https://relay.example.com/notify?token=abc123",
    "https://relay.example.com/notify?api_key=abc123",
    "https://user:p4ss@relay.example.com/notify",
])
def test_plaintext_credential_endpoint_is_refused_with_its_key_path(prod_estate, url):
    index = _https_index(prod_estate)
    with pytest.raises(EstateConfigError) as error:
        parse_estate(_with_endpoint(prod_estate, index, url), "eu-central-1")
    lines = [line for line in error.value.problems if "alerting" in line]
    assert len(lines) == 1, error.value.problems
    assert lines[0].startswith(f"estate.alerting.subscriptions[{index}].endpoint: ")
    assert "credential" in lines[0] and "secrets_manager" in lines[0]
    assert url not in lines[0], "the refusal must not echo the credential"


@pytest.mark.parametrize("url", ["https://status.example.com/alerts", "https://relay.example.com/notify?channel=ops"])
def test_plain_urls_without_credentials_are_accepted(url):
    assert url_credential(url) is None


@pytest.mark.parametrize("ref", [{"secrets_manager": "rt/prod/alerting/pager"}, {"ssm": "/rt/prod/pager"}, {"config": "pagerUrl"}])
def test_a_secret_reference_is_accepted(prod_estate, ref):
    estate = parse_estate(_with_endpoint(prod_estate, _https_index(prod_estate), ref), "eu-central-1")
    endpoint = estate.alerting.subscriptions[_https_index(prod_estate)].endpoint
    assert endpoint.kind == next(iter(ref))


def test_a_generated_endpoint_is_refused(prod_estate):
    index = _https_index(prod_estate)
    with pytest.raises(EstateConfigError) as error:
        parse_estate(_with_endpoint(prod_estate, index, {"generated": 48}), "eu-central-1")
    assert any(line.startswith(f"estate.alerting.subscriptions[{index}].endpoint") and "generated" in line
               for line in error.value.problems), error.value.problems


def test_prod_and_dr_webhooks_render_as_secrets(prod_render):
    https = [s for s in prod_render.of_type(SUBSCRIPTION) if s.inputs["protocol"] == "https"]
    assert https, "prod has webhook subscribers"
    for subscription in https:
        assert subscription.inputs["endpoint"] == "[secret]", subscription.name


def test_stack_files_hold_no_plaintext_webhook(prod_estate):
    for subscription in prod_estate["alerting"]["subscriptions"]:
        if subscription["protocol"] == "https":
            assert isinstance(subscription["endpoint"], dict), subscription["name"]


def test_dr_webhooks_are_references():
    import yaml
    from pathlib import Path

    raw = yaml.safe_load((Path(__file__).resolve().parent.parent / "Pulumi.dr.yaml").read_text())
    subscriptions = raw["config"]["monitored-estate:estate"]["alerting"]["subscriptions"]
    for subscription in subscriptions:
        if subscription["protocol"] == "https":
            assert isinstance(subscription["endpoint"], dict), subscription["name"]


def test_mail_feedback_subscribers_take_references_too(prod_estate, render_estate_dict):
    prod_estate["mail"]["feedback_subscribers"].append(
        {"name": "mail-feedback-chat", "protocol": "https", "endpoint": {"ssm": "/rt/prod/chat"}, "severities": ["warning"]})
    render = render_estate_dict(prod_estate)
    (chat,) = [s for s in render.of_type(SUBSCRIPTION) if s.name.endswith("mail-feedback-chat")]
    assert chat.inputs["endpoint"] == "[secret]"


def test_preflight_checks_the_webhook_references(prod_estate):
    from tools.preflight.secrets import secret_refs

    found = [(path, ref.kind) for path, ref in secret_refs(parse_estate(prod_estate, "eu-central-1")) if ".alerting." in path]
    assert found == [("estate.alerting.subscriptions[4].endpoint", "secrets_manager"),
                     ("estate.alerting.subscriptions[5].endpoint", "secrets_manager")]
