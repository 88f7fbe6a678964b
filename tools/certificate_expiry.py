"""Certificate expiry as ``estate verify`` and ``estate preflight`` report it (issue 10 #15): the days
left before an ACM certificate's ``NotAfter`` against the level of the certificate's DaysToExpiry alarms
(runbook 000's monthly check: "Certificats SSL ... valides (> 30 jours)"), and what to do under it.

The level is never a second literal: preflight passes the estate's ``network.certificate_expiry_days``
(the threshold the alarms are built from), verify the thresholds of the render's DaysToExpiry alarms;
without either, the estate model's default for that key (the alarms' own default).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from data.catalogue import acm
from data.model import Network, Threshold


def alarm_level(threshold: Threshold | None) -> float:
    """The days under which the certificate's first alarm fires: the highest level of its threshold
    (``below``: the warning), or of the model's default when the estate switched the alarms off."""
    threshold = threshold or Network.model_fields["certificate_expiry_days"].default
    return max(value for _, value in threshold.levels())


def alarm_level_of(thresholds: Iterable[float]) -> float:
    """The same level read from the alarms of a render (their thresholds), or the default."""
    found = list(thresholds)
    return max(found) if found else alarm_level(None)


@dataclass(frozen=True)
class Finding:
    """What the tools say about one certificate's expiry: ``ok``, what was found, what to do."""

    ok: bool
    detail: str
    action: str = ""


def expiry(described: Mapping[str, Any], level: float, now: datetime.datetime | None = None) -> Finding | None:
    """The finding for a ``DescribeCertificate`` answer; None when it has no ``NotAfter`` (a certificate
    not issued yet, whose status says enough)."""
    not_after = described.get("NotAfter")
    if not isinstance(not_after, datetime.datetime):
        return None
    if not_after.tzinfo is None:
        not_after = not_after.replace(tzinfo=datetime.timezone.utc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    days = acm.days_to_expiry(not_after, now)
    date = not_after.date().isoformat()
    level_text = f"{level:g} days, the level of its DaysToExpiry alarm (runbook 000, monthly check)"
    if days >= level:
        return Finding(True, f"expires on {date}, in {days} days: above {level:g} days")
    found = f"expired on {date}" if days < 0 else f"expires on {date}, in {days} days: under {level_text}"
    return Finding(False, found, renewal_action(described))


def renewal_action(described: Mapping[str, Any]) -> str:
    """What to do about a certificate that is not renewed in time, by how it was obtained."""
    arn = described.get("CertificateArn", "<arn>")
    region = arn.split(":")[3] if arn.count(":") >= 5 else "<region>"
    look = f"aws acm describe-certificate --region {region} --certificate-arn {arn}"
    if described.get("Type") == acm.IMPORTED:
        return (f"ACM never renews an imported certificate: import the renewed certificate into the same ARN"
                f" (aws acm import-certificate --region {region} --certificate-arn {arn} ...); {acm.RENEWAL_SOURCE}")
    return (f"ACM renews the certificates it issued before they expire; this one was not renewed: read its"
            f" RenewalSummary ({look}) and publish the DNS validation CNAME records it lists, or request a new"
            f" certificate and point the estate at it; {acm.RENEWAL_SOURCE}")


def status(described: Mapping[str, Any]) -> Finding:
    """Only an ISSUED certificate serves HTTPS."""
    value = described.get("Status", "?")
    if value == acm.ISSUED:
        return Finding(True, acm.ISSUED)
    if value == acm.EXPIRED:
        return Finding(False, f"status is {value}: the certificate has expired", renewal_action(described))
    return Finding(False, f"status is {value}, not {acm.ISSUED}",
                   "complete its validation (publish the DNS validation records) or replace it")
