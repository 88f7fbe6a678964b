"""The monthly cost budget of prod (components/budget.py): amount from the estate, FORECASTED and
ACTUAL notifications at 80 % and 100 %: a forecast always warns (issue 12 #9: a projection does not
page the on-call), an actual overrun at 100 % or more is critical; topics Budgets may publish to."""

from __future__ import annotations

import json

import botocore.session

from components.budget import amount, severity_for
from data.model import Severity

TOPIC = "arn:aws:sns:eu-central-1:123456789012:rt-estate-prod-{}"


def test_monthly_cost_budget_from_the_estate(prod_render):
    (budget,) = prod_render.of_type("aws:budgets/budget:Budget")
    i = budget.inputs
    assert (i["name"], i["budgetType"], i["timeUnit"]) == ("rt-estate-prod-monthly", "COST", "MONTHLY")
    assert (i["limitAmount"], i["limitUnit"]) == ("1500", "USD")


def test_forecast_and_actual_alerts_routed_by_severity(prod_render):
    (budget,) = prod_render.of_type("aws:budgets/budget:Budget")
    got = {
        (n["notificationType"], n["threshold"], n["thresholdType"], n["comparisonOperator"], tuple(n["subscriberSnsTopicArns"]))
        for n in budget.inputs["notifications"]
    }
    assert got == {
        ("FORECASTED", 80, "PERCENTAGE", "GREATER_THAN", (TOPIC.format("warning"),)),
        ("ACTUAL", 80, "PERCENTAGE", "GREATER_THAN", (TOPIC.format("warning"),)),
        ("FORECASTED", 100, "PERCENTAGE", "GREATER_THAN", (TOPIC.format("warning"),)),
        ("ACTUAL", 100, "PERCENTAGE", "GREATER_THAN", (TOPIC.format("critical"),)),
    }
    model = botocore.session.get_session().get_service_model("budgets")
    assert {n["notificationType"] for n in budget.inputs["notifications"]} <= set(model.shape_for("NotificationType").enum)


def test_alert_topics_let_budgets_of_this_account_publish(prod_render):
    for severity in ("warning", "critical"):
        policy = prod_render.named(f"rt-estate-prod-{severity}-eu-central-1-policy", "aws:sns/topicPolicy:TopicPolicy")
        statements = json.loads(policy.inputs["policy"])["Statement"]
        (budgets,) = [s for s in statements if s["Principal"] == {"Service": "budgets.amazonaws.com"}]
        assert budgets["Action"] == "sns:Publish" and budgets["Resource"] == TOPIC.format(severity)
        assert budgets["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_other_percentages_and_amounts(prod_estate, render_estate_dict):
    prod_estate["budget"].update(monthly_limit_usd=1234.5, alert_percentages=[50, 90, 120])
    (budget,) = render_estate_dict(prod_estate).of_type("aws:budgets/budget:Budget")
    assert budget.inputs["limitAmount"] == "1234.50"
    routed = {(n["notificationType"], n["threshold"], n["subscriberSnsTopicArns"][0].rsplit("-", 1)[1])
              for n in budget.inputs["notifications"]}
    assert routed == {
        ("FORECASTED", 50, "warning"), ("ACTUAL", 50, "warning"), ("FORECASTED", 90, "warning"), ("ACTUAL", 90, "warning"),
        ("FORECASTED", 120, "warning"), ("ACTUAL", 120, "critical"),
    }
    assert len(budget.inputs["notifications"]) == 6


def test_helpers():
    assert amount(1500.0) == "1500" and amount(99.999) == "100.00"
    assert severity_for(99.9, "ACTUAL") is Severity.warning and severity_for(100, "ACTUAL") is Severity.critical
    assert severity_for(100, "FORECASTED") is Severity.warning and severity_for(500, "FORECASTED") is Severity.warning


def _problems(estate: dict) -> list[str]:
    import pytest

    from data.config import EstateConfigError, parse_estate

    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, "eu-central-1")
    return caught.value.problems


def test_at_most_ten_notifications_per_budget(prod_estate, render_estate_dict):
    """B-12: AWS Budgets: "A budget can have up to ten notifications" (botocore: NotificationWithSubscribersList
    max 10); each percentage makes two (forecast and actual), so five percentages at most."""
    prod_estate["budget"]["alert_percentages"] = [50, 80, 90, 100, 110]
    (budget,) = render_estate_dict(prod_estate).of_type("aws:budgets/budget:Budget")
    assert len(budget.inputs["notifications"]) == 10
    prod_estate["budget"]["alert_percentages"] = [50, 80, 90, 100, 110, 120]
    assert _problems(prod_estate) == [
        "estate.budget.alert_percentages: 6 percentages make 12 notifications (forecast and actual each);"
        " AWS Budgets allows at most 10 per budget: at most 5 percentages"
    ]


def test_budget_notification_limit_matches_the_budgets_api():
    from data.catalogue import budgets

    model = botocore.session.get_session().get_service_model("budgets")
    assert budgets.MAX_NOTIFICATIONS_PER_BUDGET == model.shape_for("NotificationWithSubscribersList").metadata["max"]


def test_the_budget_measures_its_own_estate_by_cost_allocation_tag(prod_render, prod_estate, render_estate_dict):
    """B-7: prod and DR share the account; a budget without filters measures the whole account, so the DR budget
    paged on prod's spend. Each estate's budget filters on its own `environment` tag (a cost allocation tag)."""
    (budget,) = prod_render.of_type("aws:budgets/budget:Budget")
    assert budget.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:environment$prod"]}]
    prod_estate["environment"] = "dr"
    prod_estate["budget"]["name"] = "rt-estate-dr-monthly"
    (dr,) = render_estate_dict(prod_estate).of_type("aws:budgets/budget:Budget")
    assert dr.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:environment$dr"]}]


def test_an_account_budget_is_declared_as_such(prod_estate, render_estate_dict):
    prod_estate["budget"]["scope"] = "account"
    (budget,) = render_estate_dict(prod_estate).of_type("aws:budgets/budget:Budget")
    assert "costFilters" not in budget.inputs and "filterExpression" not in budget.inputs
    prod_estate["budget"]["scope"] = "region"
    assert _problems(prod_estate) == ["estate.budget.scope: Input should be 'estate' or 'account'"]
