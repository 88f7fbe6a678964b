"""A small stack file for `estate check`'s tests (tests/test_check_*.py): two services watched from
outside, one name the prefix of the other, comments and flow style, and one exemption; rendered once."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL_STACK = """\
# A small estate for estate check's tests: two services watched from outside.
config:
  aws:region: eu-west-3
  monitored-estate:estate:
    organisation: smallco
    environment: prod
    runbook_url: https://docs.example.com/runbook
    alerting:
      topic_prefix: smallco-prod
      subscriptions:
        - {name: tech-email, protocol: email, endpoint: tech@example.com, severities: [critical, warning]}
    services:
      # the API first; its name is the start of the front end's
      - name: shop
        kind: external
        description: The shop API
        public_url: https://api.example.com
        health_check: {path: /health}
      - name: shop-front
        kind: external
        description: The shop front end
        public_url: https://www.example.com
        health_check: {path: /}
    exemptions:
      - {policy: cost-budget-notifications, resource: stack, reason: "the budget lives in the billing account (FIN-7)", expires: "2999-12-31"}
"""
EXEMPTION_REASON = "the budget lives in the billing account (FIN-7)"


@pytest.fixture(scope="module")
def small_stack_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small") / "Pulumi.small.yaml"
    path.write_text(SMALL_STACK, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_render(small_stack_file) -> dict:
    """The small stack rendered (`estate preview --format json`'s contract), as plain data."""
    import json

    from data.config import load_stack_file
    from infra.engine import render_stack

    return json.loads(render_stack(load_stack_file(small_stack_file)).to_json())


@pytest.fixture(scope="module")
def small_render_file(small_render, small_stack_file) -> Path:
    import json

    path = small_stack_file.parent / "render.json"
    path.write_text(json.dumps(small_render), encoding="utf-8")
    return path
