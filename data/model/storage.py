"""S3 buckets: each known by its name, any number per purpose; the purpose decides what the program does for
it (the access-log target, CORS, the Atlas export, replication); lifecycle rules and access logging."""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field, model_validator

from data.catalogue import s3
from data.model.base import StrictModel, unique


STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class Transition(StrictModel):
    """A move to a cheaper storage class after some days."""

    days: int = Field(
        ge=0,
        description="Days after creation (for noncurrent versions: after they became noncurrent); STANDARD_IA and"
        " ONEZONE_IA need at least 30 (S3's minimum).",
    )
    storage_class: Literal["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] = Field(
        description="The S3 storage class moved to.",
    )


class NoncurrentVersions(StrictModel):
    """What happens to overwritten/deleted versions (the seed forgets them: they would stay forever)."""

    transition: Transition | None = Field(default=None, description="Where noncurrent versions move; null: they stay.")
    expiration_days: int = Field(
        ge=1, description="Days after which a noncurrent version is deleted; after the transition's days.",
    )

    @model_validator(mode="after")
    def _order(self) -> NoncurrentVersions:
        t = self.transition
        if t and t.storage_class in s3.INFREQUENT_ACCESS_CLASSES and t.days < s3.INFREQUENT_ACCESS_MIN_DAYS:
            raise ValueError(
                f"transition: {t.storage_class} needs at least {s3.INFREQUENT_ACCESS_MIN_DAYS} noncurrent days"
                f" (S3 minimum), got {t.days}"
            )
        if self.transition and self.expiration_days <= self.transition.days:
            raise ValueError(
                f"expiration_days: {self.expiration_days} must come after the transition"
                f" ({self.transition.days} days)"
            )
        return self


class LifecycleRule(StrictModel):
    """One S3 lifecycle rule (runbook 001: "Lifecycle policies configurées")."""

    id: str = Field(pattern=r"^[A-Za-z0-9 ._-]{1,255}$", description="The rule's id, unique in the bucket.")
    prefix: str = Field(default="", description="The key prefix the rule applies to; empty: the whole bucket.")
    transitions: list[Transition] = Field(default=[], description="Moves of current objects to cheaper classes.")
    expiration_days: int | None = Field(
        default=None, ge=1, description="Days after which current objects expire; after the last transition. Null: never.",
    )
    noncurrent: NoncurrentVersions = Field(
        description="What becomes of overwritten and deleted versions (required: without it they are kept forever).",
    )
    abort_incomplete_multipart_days: int = Field(
        default=7, ge=1, description="Days after which an unfinished multipart upload is aborted (its parts are billed).",
    )

    @model_validator(mode="after")
    def _order(self) -> LifecycleRule:
        last = max((t.days for t in self.transitions), default=0)
        if self.expiration_days is not None and self.transitions and self.expiration_days <= last:
            raise ValueError(f"expiration_days: {self.expiration_days} must come after the last transition ({last} days)")
        for t in self.transitions:
            if t.storage_class in s3.INFREQUENT_ACCESS_CLASSES and t.days < s3.INFREQUENT_ACCESS_MIN_DAYS:
                raise ValueError(
                    f"transitions: {t.storage_class} needs at least {s3.INFREQUENT_ACCESS_MIN_DAYS} days (S3 minimum),"
                    f" got {t.days}"
                )
        return self


class Cors(StrictModel):
    """The documents bucket's CORS rule (runbook 001: "CORS configuré sur bucket documents")."""

    allowed_origins: list[str] = Field(
        min_length=1, description="The application origins allowed, `https://` only: no wildcard, no http, no path.",
    )
    allowed_methods: list[Literal["GET", "PUT", "POST", "DELETE", "HEAD"]] = Field(
        min_length=1, description="The HTTP methods allowed.",
    )
    allowed_headers: list[str] = Field(default=["*"], description="Request headers allowed in a preflight.")
    expose_headers: list[str] = Field(default=[], description="Response headers the browser may read.")
    max_age_seconds: int = Field(default=3000, ge=0, description="Seconds a browser caches the preflight answer.")

    @model_validator(mode="after")
    def _https_only(self) -> Cors:
        for origin in self.allowed_origins:
            if not re.match(r"^https://[a-z0-9.-]+(:\d+)?$", origin):
                raise ValueError(f"allowed_origins: '{origin}' must be an https:// application origin (no wildcard, no http, no path)")
        return self


def bucket_name_problems(name: str) -> list[str]:
    """What S3's bucket naming rules find wrong with ``name`` (empty: a valid name)."""
    problems = []
    if not _BUCKET_NAME.match(name):
        problems.append("3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit")
    if ".." in name:
        problems.append("no two adjacent dots")
    try:
        ipaddress.ip_address(name)
        problems.append("not an IP address")
    except ValueError:
        pass
    if name.startswith("xn--") or name.endswith("-s3alias"):
        problems.append("no 'xn--' prefix or '-s3alias' suffix")
    return problems


# What the stack creating a standby bucket decides for it (its replication source's settings).
_STANDBY_OWNED = ("versioning", "cors", "lifecycle", "access_logging", "log_to", "object_lock_years")

# What each purpose makes the program do for a bucket (every bucket gets the same protections besides).
PURPOSES = {
    "documents": "read and written by the services that name it (`services[].uses_documents`); may carry CORS",
    "logs": "receives the other buckets' S3 server access logs (SSE-S3, no Object Lock)",
    "backups": "may receive the Atlas snapshot exports (`atlas.backup.export_to_backups_bucket`)",
    "audit": "audit records, usually under Object Lock (`object_lock_years`)",
    "general": "no special behaviour (an exports bucket, for instance)",
}
Purpose = Literal["documents", "logs", "backups", "audit", "general"]
# A reference to a bucket by its name (``uses_documents: <name>``...); the estate checks it names one.
BucketRef = Annotated[str, Field(min_length=1)]


class Bucket(StrictModel):
    """An S3 bucket, encrypted, private, TLS-only (components/storage.py decides those once)."""

    name: str = Field(description="The S3 bucket name (S3's naming rules: 3-63 lower-case letters, digits, dots, hyphens).")
    purpose: Purpose = Field(
        default="general",
        description="What the program does for it, besides the protections every bucket gets: "
        + "; ".join(f"`{name}`: {what}" for name, what in PURPOSES.items())
        + ". Any number of buckets may share a purpose; a reference by purpose (`uses_documents: true`, the"
        " access-log target, the Atlas export, `disaster_recovery.buckets[].purpose`) then names the bucket instead.",
    )
    versioning: bool = Field(default=True, description="Keep object versions (runbook 001: \"Versioning activé\").")
    cors: Cors | None = Field(default=None, description="CORS for browsers; only on a `documents` bucket.")
    lifecycle: list[LifecycleRule] = Field(
        default=[], description="Lifecycle rules, at least one (none on a `standby` bucket: its creator's).",
    )
    access_logging: bool = Field(
        default=True, description="Log access to a `logs` bucket (under `s3-access/<bucket>/`); needs a `logs` bucket.",
    )
    log_to: str | None = Field(
        default=None,
        description="Name of the `logs` bucket its access logs go to; null: the estate's one `logs` bucket (required"
        " when there are several).",
    )
    object_lock_years: int | None = Field(
        default=None, ge=1, le=100,
        description="Object lock in COMPLIANCE mode for that many years (seed 004: audit, 5 years); null: no lock."
        " Not on the `logs` bucket: S3 refuses an access-log target with Object Lock.",
    )
    standby: bool = Field(
        default=False,
        description="The bucket exists already: another stack creates it, with all its settings, as the standby of its"
        " replicated bucket (prod's `disaster_recovery.buckets[].standby`, or `standby_logs`). This stack reads it at"
        " `pulumi up` (which fails if it does not exist) and declares nothing on it; give only `name` and `purpose`.",
    )

    @model_validator(mode="after")
    def _valid(self) -> Bucket:
        name = self.name
        problems = bucket_name_problems(name)
        if problems:
            raise ValueError(f"name: '{name}' is not a valid S3 bucket name: {'; '.join(problems)}")
        if self.standby:
            given = [key for key in _STANDBY_OWNED if key in self.model_fields_set]
            if given:
                raise ValueError(
                    f"{', '.join(given)}: a standby bucket's settings are those of the stack that creates it; give only"
                    " name and purpose"
                )
            return self
        if not self.lifecycle:
            raise ValueError("lifecycle: give at least one lifecycle rule")
        if self.purpose == "logs" and self.object_lock_years is not None and not s3.ACCESS_LOG_TARGET_OBJECT_LOCK:
            raise ValueError(
                "object_lock_years: the logs bucket is the target of S3 server access logs, and a target bucket cannot"
                " have Object Lock"
            )
        if self.cors is not None and self.purpose != "documents":
            raise ValueError("cors: only a documents bucket is read by browsers")
        if self.log_to is not None and not self.access_logging:
            raise ValueError("log_to: access_logging is false; give one or the other")
        unique([rule.id for rule in self.lifecycle], "lifecycle rule id")
        return self


def named_bucket(buckets: Sequence[Bucket], name: str) -> tuple[Bucket | None, str | None]:
    """The bucket called ``name``, or None and what is wrong (with the nearest name)."""
    named = next((b for b in buckets if b.name == name), None)
    if named is not None:
        return named, None
    names = [b.name for b in buckets]
    hint = difflib.get_close_matches(name, names, n=1)
    return None, f"no bucket named '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else f" (declared: {', '.join(names) or 'none'})")


def bucket_reference(
    buckets: Sequence[Bucket], purpose: str, name: str | None, *, used_as: str, choose: str, missing: str,
) -> tuple[Bucket | None, str | None]:
    """The bucket a reference designates, or None and what is wrong: by ``name`` (a bucket of ``purpose``);
    without one, the estate's only bucket of ``purpose``. ``used_as``: what the referrer does with it ("Atlas
    exports to"); ``choose``: how to name one when several share the purpose; ``missing``: none has it."""
    of_purpose = [b.name for b in buckets if b.purpose == purpose]
    if name is not None:
        named, problem = named_bucket(buckets, name)
        if named is None:
            return None, problem
        if named.purpose != purpose:
            return None, (f"'{name}' has purpose '{named.purpose}'; {used_as} a bucket with purpose '{purpose}'"
                          + (f" ({', '.join(of_purpose)})" if of_purpose else ""))
        return named, None
    if not of_purpose:
        return None, missing
    if len(of_purpose) > 1:
        return None, f"{len(of_purpose)} buckets have purpose '{purpose}' ({', '.join(of_purpose)}): {choose}"
    return next(b for b in buckets if b.purpose == purpose), None
