"""S3 buckets: one per purpose, with lifecycle rules, CORS for the documents bucket, access logging."""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import Field, model_validator

from data.model.base import StrictModel, unique


STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class Transition(StrictModel):
    days: int = Field(ge=0)
    storage_class: Literal["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]


class NoncurrentVersions(StrictModel):
    """What happens to overwritten/deleted versions (the seed forgets them: they would stay forever)."""

    transition: Transition | None = None
    expiration_days: int = Field(ge=1)

    @model_validator(mode="after")
    def _order(self) -> NoncurrentVersions:
        if self.transition and self.expiration_days <= self.transition.days:
            raise ValueError(
                f"expiration_days: {self.expiration_days} must come after the transition"
                f" ({self.transition.days} days)"
            )
        return self


class LifecycleRule(StrictModel):
    id: str = Field(pattern=r"^[A-Za-z0-9 ._-]{1,255}$")
    prefix: str = ""
    transitions: list[Transition] = []
    expiration_days: int | None = Field(default=None, ge=1)
    noncurrent: NoncurrentVersions
    abort_incomplete_multipart_days: int = Field(default=7, ge=1)

    @model_validator(mode="after")
    def _order(self) -> LifecycleRule:
        last = max((t.days for t in self.transitions), default=0)
        if self.expiration_days is not None and self.transitions and self.expiration_days <= last:
            raise ValueError(f"expiration_days: {self.expiration_days} must come after the last transition ({last} days)")
        for t in self.transitions:
            if t.storage_class in ("STANDARD_IA", "ONEZONE_IA") and t.days < 30:
                raise ValueError(f"transitions: {t.storage_class} needs at least 30 days (S3 minimum), got {t.days}")
        return self


class Cors(StrictModel):
    allowed_origins: list[str] = Field(min_length=1)
    allowed_methods: list[Literal["GET", "PUT", "POST", "DELETE", "HEAD"]] = Field(min_length=1)
    allowed_headers: list[str] = ["*"]
    expose_headers: list[str] = []
    max_age_seconds: int = Field(default=3000, ge=0)

    @model_validator(mode="after")
    def _https_only(self) -> Cors:
        for origin in self.allowed_origins:
            if not re.match(r"^https://[a-z0-9.-]+(:\d+)?$", origin):
                raise ValueError(f"allowed_origins: '{origin}' must be an https:// application origin (no wildcard, no http, no path)")
        return self


class Bucket(StrictModel):
    name: str
    purpose: Literal["documents", "logs", "backups", "audit"]
    versioning: bool = True
    cors: Cors | None = None
    lifecycle: list[LifecycleRule] = Field(min_length=1)
    access_logging: bool = True
    object_lock_years: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _valid(self) -> Bucket:
        name = self.name
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
        if problems:
            raise ValueError(f"name: '{name}' is not a valid S3 bucket name: {'; '.join(problems)}")
        if self.cors is not None and self.purpose != "documents":
            raise ValueError("cors: only the documents bucket is read by browsers")
        unique([rule.id for rule in self.lifecycle], "lifecycle rule id")
        return self
