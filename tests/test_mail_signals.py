"""The SES domain's signal table (components/mail/signals.py): catalogue metrics, stack-file thresholds,
and defaults that warn before SES's review levels and page at them."""

from __future__ import annotations

from components.mail.signals import SIGNALS
from data.catalogue import ses
from data.model import Mail


def test_rows_read_the_reputation_metrics_and_the_mail_thresholds():
    assert SIGNALS.names == ("bounce-rate", "complaint-rate")
    assert [s.metric for s in SIGNALS] == [ses.REPUTATION_BOUNCE_RATE, ses.REPUTATION_COMPLAINT_RATE]
    for signal in SIGNALS:
        assert signal.threshold_key in Mail.model_fields


def test_default_critical_levels_are_ses_review_levels():
    fields = Mail.model_fields
    assert fields["bounce_rate"].default.critical == ses.BOUNCE_RATE_REVIEW
    assert fields["complaint_rate"].default.critical == ses.COMPLAINT_RATE_REVIEW


def test_ses_section_on_the_boards_of_senders_with_the_alarm_levels(prod_render):
    import json

    boards = {d.inputs["dashboardName"]: json.loads(d.inputs["dashboardBody"])
              for d in prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")}
    for board in ("RT-Backend-Services", "Symphonia-Production"):  # authz-eb sends mail on both
        widgets = boards[board]["widgets"]
        assert any(w["properties"].get("markdown", "").startswith("# Mail symphonia.fr") for w in widgets)
        (bounce,) = [w["properties"] for w in widgets if w["properties"].get("title") == SIGNALS.get("bounce-rate").what]
        assert bounce["metrics"] == [["AWS/SES", "Reputation.BounceRate", {"label": "Reputation.BounceRate"}]]
        assert [a["value"] for a in bounce["annotations"]["horizontal"]] == [0.02, 0.05]
    assert not any(w["properties"].get("markdown", "").startswith("# Mail") for w in boards["authz-eb"]["widgets"])
