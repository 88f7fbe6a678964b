"""The deploy workflow runs ``estate preflight`` with the AWS credentials, before ``pulumi up``, and
stops there when a precondition fails (actionlint itself is ``tests/test_workflows_lint.py``)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_runs_preflight_between_credentials_and_pulumi_up():
    document = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    deploy = document["jobs"]["deploy"]
    steps = deploy["steps"]
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
    credentials = names.index("aws-actions/configure-aws-credentials")
    up = names.index("pulumi/actions")
    preflight = [i for i, n in enumerate(names) if ".venv/bin/estate preflight --stack prod" in n]
    assert len(preflight) == 1 and credentials < preflight[0] < up
    script = steps[preflight[0]]["run"]
    assert 'exit "$status"' in script  # a failed precondition fails the job: pulumi up never starts
    assert "continue-on-error" not in steps[preflight[0]]
    # The Atlas access-list check needs the Admin API keys the job already has.
    assert {"MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY"} <= set(deploy["env"])
