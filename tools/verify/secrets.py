"""Secrets that survive the region (issue 11): every secret the stack creates has its replica in each
declared region, in sync; so has every operator-set secret the stack reads (the render's ``SecretStore``
records them with the replica regions: operators replicate those themselves). ``DescribeSecret`` only:
no value is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue import secretsmanager as facts
from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context, Declared
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "secret", "secret replicas"
SECRET = "aws:secretsmanager/secret:Secret"
STORE = "monitored-estate:secrets:SecretStore"


@dataclass(frozen=True)
class ExpectedSecret:
    name: str
    region: str  # the primary's
    replicas: tuple[str, ...]
    operator_set: bool  # created by operators, replicated by them (not by `pulumi up`)


def expected_secrets(declared: Declared) -> list[ExpectedSecret]:
    found = [
        ExpectedSecret(declared.inputs(s)["name"], declared.region_of(s),
                       tuple(r["region"] for r in declared.inputs(s).get("replicas") or []), False)
        for s in declared.of_type(SECRET) if declared.inputs(s).get("replicas") and declared.inputs(s).get("name")
    ]
    created = {s.name for s in found}
    for store in declared.of_type(STORE):
        regions = tuple(declared.inputs(store).get("replicaRegions") or [])
        found += [ExpectedSecret(name, declared.primary, regions, True)
                  for name in declared.inputs(store).get("referencedSecrets") or [] if regions and name not in created]
    return found


def check(ctx: Context) -> None:
    for secret in expected_secrets(ctx.declared):
        client = ctx.clients("secretsmanager", secret.region)
        try:
            described = call(client.describe_secret, SecretId=secret.name)
        except LookupError:
            action = ("create it with its value, then replicate it: " + facts.OPERATOR_REPLICATION_COMMAND.format(
                primary=secret.region, name=secret.name, replica=",".join(secret.replicas))
                if secret.operator_set else "run `pulumi up`: the stack creates it with its replicas")
            ctx.add(FAMILY, secret.name, secret.region, FAIL, "missing: the secret does not exist", action)
            continue
        except Unavailable as error:
            ctx.unavailable(FAMILY, secret.name, secret.region, error, "Secrets Manager DescribeSecret")
            continue
        live = {status.get("Region"): status for status in described.get("ReplicationStatus") or []}
        for region in secret.replicas:
            subject = f"{secret.name} replica"
            status = live.get(region)
            if status is None:
                action = (facts.OPERATOR_REPLICATION_COMMAND.format(primary=secret.region, name=secret.name, replica=region)
                          if secret.operator_set else "run `pulumi up`: the stack declares the replica")
                ctx.add(FAMILY, subject, region, FAIL, "no replica in this region: the DR stack cannot read it there", action)
            elif status.get("Status") != facts.REPLICATION_IN_SYNC:
                ctx.add(FAMILY, subject, region, FAIL,
                        f"replica {status.get('Status')}: {status.get('StatusMessage') or 'no message'}",
                        "a replica fails when a secret of that name already exists in the region or its KMS key is"
                        f" unusable: fix it, then replicate again ({facts.REPLICATE_SOURCE})")
            else:
                ctx.add(FAMILY, subject, region, PASS, "in sync")
