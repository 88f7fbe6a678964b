"""What the runbooks expect of a recovery, quoted with the seed file and section that says it.

Runbook 000 (seed 000, "Guide de Maintenance - RT Backend Services") states no RPO or RTO as a number:
its expectations are a backup frequency, a restore procedure and a quarterly DR test. Seed 004 gives the
audit logs' backup frequency. These are the figures docs/disaster-recovery.md sets the computed ones against.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expectation:
    text: str
    where: str  # seed file and section, or "-" when no runbook states one


NONE_STATED = "-"

RPO: dict[str, Expectation] = {
    "documents": Expectation("none stated: no runbook backs up or copies the documents bucket", NONE_STATED),
    "backups": Expectation(
        "scenario 2 restores from `s3://rt-backend-backups/mongodb/latest.tar.gz`: it assumes the bucket survives",
        "seed 000 § Procédure de Disaster Recovery, Scénario 2"),
    "audit": Expectation("\"Logs audit | Quotidien | 5 ans\": a daily backup, kept 5 years (at most one day lost)",
                         "seed 004 § 8.1 Backups Automatiques"),
    "mongodb": Expectation("\"Backup MongoDB | Hebdomadaire\": a weekly backup (at most one week lost)",
                           "seed 000 § Résumé; § Tâches de Maintenance Régulières, Hebdomadaires"),
    "secrets": Expectation("retyped by hand: `eb setenv --env authz-eb-prod-recovery ABSTRACT_API_KEY=\"...\"`",
                           "seed 000 § Procédure de Disaster Recovery, Scénario 1, step 2"),
    "cache": Expectation("none stated", NONE_STATED),
}

RTO = Expectation(
    "none stated: the scenarios list steps without a duration; the runbook's one time figure, AWS Business"
    " support's \"réponse < 1h pour production down\", is a support response time, not a recovery time",
    "seed 000 § Procédure de Disaster Recovery; § Contacts et Escalade, Support AWS",
)

REHEARSAL = Expectation("\"DR test | Trimestriel | DevOps/Lead | 🔴 Haute\"; \"Tester les procédures de disaster recovery\"",
                        "seed 000 § Résumé; § Tâches de Maintenance Régulières, Trimestrielles")
