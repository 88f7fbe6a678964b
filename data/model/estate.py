"""The estate: the root of the stack file's ``monitored-estate:estate``, its policy exemptions, and
the cross-references between its parts that no single field validator can see."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from data.catalogue import acm
from data.model.alerting import Alerting, team_problems
from data.model.atlas import Atlas
from data.model.base import Maintenance, Name, StrictModel, duplicates, maintenance_problems
from data.model.budget import Budget
from data.model.cache import Cache
from data.model.cdn import CdnDistribution
from data.model.dashboards import OverviewDashboard
from data.model.disaster_recovery import DisasterRecovery, disaster_recovery_problems
from data.model.mail import Mail
from data.model.network import Network
from data.model.services import PlatformMetricAlarm, Service
from data.model.storage import Bucket, bucket_reference


class Exemption(StrictModel):
    """A rule waived for one resource, with a reason and an expiry date (expired = violation)."""

    policy: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)+$", description="The rule waived (docs/policies.md).")
    resource: str = Field(
        min_length=1, description="The resource's logical name or URN; `stack` for a stack-wide finding.",
    )
    reason: str = Field(min_length=10, description="Why, at least 10 characters (a ticket, a decision).")
    expires: date = Field(
        description="Last day the waiver holds (YYYY-MM-DD, UTC); after it `estate-exemption-unexpired` fails the check.",
    )


class Estate(StrictModel):
    """The estate: ``monitored-estate:estate`` of a stack file (``region`` comes from ``aws:region``)."""

    organisation: Name = Field(description="The organisation (tag `organisation`, prefix of the secrets' names).")
    environment: Name = Field(description="The environment, e.g. `prod` (tag `environment`, prefix of the secrets' names).")
    region: str = Field(
        pattern=r"^[a-z]{2}(-[a-z]+)+-\d$",
        description="The primary AWS region, from the stack's `aws:region` (not a key of the estate).",
    )
    tags: dict[str, str] = Field(default={}, description="Tags added to every taggable resource.")
    runbook_url: str = Field(
        pattern=r"^https://[^\s]+$",
        description="The alarm runbook's URL; every alarm description ends `Runbook: <runbook_url>#<signal>`.",
    )
    maintenance: Maintenance = Field(
        default=Maintenance(), description="Weekly maintenance windows (seed 004 § 4.1).",
    )
    alerting: Alerting = Field(description="The alert topics and who hears each severity.")
    network: Network | None = Field(
        default=None, description="The VPC, subnets and certificate; required with an Elastic Beanstalk service or a cache.",
    )
    services: list[Service] = Field(min_length=1, description="The services, at least one.")
    cdn: list[CdnDistribution] = Field(default=[], description="CloudFront distributions watched (managed elsewhere).")
    dashboards: list[OverviewDashboard] = Field(default=[], description="Overview dashboards across services.")
    platform_alarms: list[PlatformMetricAlarm] = Field(
        default=[],
        description="Alarms on platform-wide application metrics (no service dimension), owned by an estate-level owner.",
    )
    buckets: list[Bucket] = Field(
        default=[], description="S3 buckets, each known by its (unique) name, any number per purpose.",
    )
    cache: Cache | None = Field(default=None, description="The ElastiCache Redis cache; null: none.")
    mail: Mail | None = Field(default=None, description="The SES sending domain; null: none.")
    atlas: Atlas | None = Field(default=None, description="The MongoDB Atlas project and cluster; null: none.")
    budget: Budget | None = Field(default=None, description="The monthly cost budget; null: none.")
    disaster_recovery: DisasterRecovery | None = Field(
        default=None,
        description="What this stack keeps ready in a second region before a disaster (bucket and secret replicas,"
        " Atlas snapshot copies) for the DR stack to use; null: nothing outside the primary region.",
    )
    exemptions: list[Exemption] = Field(
        default=[], description="Policy rules waived for one resource, each with a reason and an expiry date.",
    )

    def reference_problems(self) -> list[tuple[str, str]]:
        """Cross-references the field validators cannot see, as (key path, message) pairs."""
        problems: list[tuple[str, str]] = []
        problems += duplicates("services", [s.name for s in self.services], "name", "service name")
        problems += duplicates(
            "services", [s.environment_name if s.kind == "beanstalk" else None for s in self.services],
            "environment", "environment name",
        )
        owners: dict[str, int] = {}
        for i, service in enumerate(self.services):
            if service.database is None:
                continue
            if service.database in owners:
                problems.append((
                    f"services[{i}].database",
                    f"'{service.database}' is already the database of services[{owners[service.database]}];"
                    " each service owns its database (one Atlas user with readWrite on it alone)",
                ))
            else:
                owners[service.database] = i
        problems += duplicates("buckets", [b.name for b in self.buckets], "name", "bucket name")
        problems += duplicates("dashboards", [d.name for d in self.dashboards], "name", "dashboard name")
        problems += duplicates("cdn", [c.name for c in self.cdn], "name", "cdn name")
        names = {s.name for s in self.services if isinstance(s.name, str)}
        for i, dist in enumerate(self.cdn):
            if dist.service not in names:
                problems.append((f"cdn[{i}].service", f"unknown service '{dist.service}' (declared: {', '.join(sorted(names))})"))
        for i, board in enumerate(self.dashboards):
            for j, name in enumerate(board.services):
                if name not in names:
                    problems.append((f"dashboards[{i}].services[{j}]", f"unknown service '{name}' (declared: {', '.join(sorted(names))})"))
        problems += team_problems(self)
        problems += maintenance_problems(self.maintenance, names | ({self.cache.name} if self.cache else set()))
        boards = {d.name for d in self.dashboards if isinstance(d.name, str)}
        for i, alarm in enumerate(self.platform_alarms):
            if alarm.owner in names:
                problems.append((f"platform_alarms[{i}].owner", f"'{alarm.owner}' is a service: declare it under that service's metric_alarms"))
            for j, board in enumerate(alarm.dashboards):
                if board not in boards:
                    problems.append((f"platform_alarms[{i}].dashboards[{j}]", f"unknown dashboard '{board}' (declared: {', '.join(sorted(boards))})"))
        if any(s.kind == "beanstalk" for s in self.services) and self.network is None:
            problems.append(("network", "required when a service runs on Elastic Beanstalk (vpc_id, private subnets; public subnets and certificate_arn for a public_url)"))
        public = [i for i, s in enumerate(self.services) if s.kind == "beanstalk" and s.public_url]
        if public and self.network is not None:  # internet-facing load balancers only (issue 12 #3)
            first = f"services[{public[0]}].public_url"
            if len(self.network.public_subnet_ids) < 2:
                problems.append(("network.public_subnet_ids", f"at least two subnets (two availability zones) for the internet-facing load balancer of {first}"))
            if self.network.certificate_arn is None:
                problems.append(("network.certificate_arn", f"required: {first} is served over HTTPS on 443"))
        if self.cache is not None and self.network is None:
            problems.append(("cache", "needs network: the cache lives in its private subnets"))
        for i, service in enumerate(self.services):
            if service.uses_cache and self.cache is None:
                problems.append((f"services[{i}].uses_cache", "no cache is declared"))
            if service.uses_mail and self.mail is None:
                problems.append((f"services[{i}].uses_mail", "no mail is declared"))
            if service.uses_documents is not False:
                problems += _problem(f"services[{i}].uses_documents", self._documents_reference(service))
            if service.database and self.atlas is None:
                problems.append((f"services[{i}].database", "no atlas is declared"))
        for i, bucket in enumerate(self.buckets):
            if bucket.standby or not bucket.access_logging:
                continue  # a standby's creator decides its logging
            key = f"buckets[{i}].{'log_to' if bucket.log_to is not None else 'access_logging'}"
            logs, problem = self._log_target_reference(bucket)
            problems += _problem(key, (logs, problem))
            if logs is not None and logs.standby:
                problems.append((key, f"the logs bucket '{logs.name}' is a standby: its policy (its creator's) admits"
                                 " only the standby buckets' logs; set access_logging: false"))
        if self.atlas and self.atlas.backup.export_to_backups_bucket is not False:
            problems += _problem("atlas.backup.export_to_backups_bucket", self._atlas_export_reference())
        if self.disaster_recovery is not None:
            problems += [
                (f"disaster_recovery.{path}", message)
                for path, message in disaster_recovery_problems(
                    self.disaster_recovery, primary_region=self.region, buckets=list(self.buckets), atlas=self.atlas,
                    organisation=self.organisation, environment=self.environment)
            ]
        if self.atlas:
            databases = {s.database for s in self.services if s.database}
            for i, coll in enumerate(self.atlas.collections):
                if coll.database not in databases:
                    problems.append((f"atlas.collections[{i}].database", f"'{coll.database}' is no service's database"))
        return problems

    def region_problems(self) -> list[tuple[str, str]]:
        """Checks against the stack's region (``aws:region``), run once it is a known region."""
        problems: list[tuple[str, str]] = []
        certificate = self.network.certificate_arn if self.network is not None else None
        where = acm.certificate_region(certificate) if isinstance(certificate, str) else None
        if where is not None and where != self.region:
            # ACM certificates are regional and cannot be copied (data/catalogue/acm.py REGIONS_SOURCE).
            problems.append((
                "network.certificate_arn",
                f"the certificate is in {where} but the load balancers are in {self.region} (aws:region); ACM"
                f" certificates are regional: request or import one in {self.region} and give its ARN",
            ))
        return problems

    def bucket_for(self, purpose: str) -> Bucket | None:
        """The first bucket of ``purpose`` (the only one, where a reference by purpose is valid)."""
        return next((b for b in self.buckets if b.purpose == purpose), None)

    def bucket_named(self, name: str) -> Bucket | None:
        return next((b for b in self.buckets if b.name == name), None)

    # The bucket each reference designates (None where it designates none: reference_problems says why).

    def documents_bucket_of(self, service: Service) -> Bucket | None:
        return self._documents_reference(service)[0] if service.uses_documents is not False else None

    def log_target_of(self, bucket: Bucket) -> Bucket | None:
        return self._log_target_reference(bucket)[0] if bucket.access_logging and not bucket.standby else None

    def atlas_export_bucket(self) -> Bucket | None:
        exporting = self.atlas is not None and self.atlas.backup.export_to_backups_bucket is not False
        return self._atlas_export_reference()[0] if exporting else None

    def _documents_reference(self, service: Service) -> tuple[Bucket | None, str | None]:
        return bucket_reference(
            self.buckets, "documents", _named(service.uses_documents), used_as="a service uses",
            choose="give the name of the one this service uses", missing="no bucket with purpose 'documents' is declared")

    def _log_target_reference(self, bucket: Bucket) -> tuple[Bucket | None, str | None]:
        return bucket_reference(
            self.buckets, "logs", bucket.log_to, used_as="access logs go to",
            choose="give log_to, the name of the one it logs into", missing="needs a bucket with purpose 'logs' to log into")

    def _atlas_export_reference(self) -> tuple[Bucket | None, str | None]:
        return bucket_reference(
            self.buckets, "backups", _named(self.atlas.backup.export_to_backups_bucket) if self.atlas else None,
            used_as="Atlas exports to", choose="give the name of the one Atlas exports to",
            missing="needs a bucket with purpose 'backups'")

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)


def _named(reference: bool | str) -> str | None:
    """The bucket name of a ``true | <name>`` reference (None: by purpose)."""
    return reference if isinstance(reference, str) else None


def _problem(key: str, reference: tuple[Bucket | None, str | None]) -> list[tuple[str, str]]:
    return [(key, reference[1])] if reference[1] is not None else []
