"""The program: assembles the components from the estate model. Data flows one way:
estate (validated stack data) -> components (one per resource family) -> resources.

Both the real Pulumi CLI (``infra/__main__.py``) and the offline engine call ``declare_estate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.alerting import AlertRouting, AlertRoutingArgs
from components.atlas.database import AtlasDatabase, AtlasDatabaseArgs
from components.budget import CostBudget, CostBudgetArgs
from components.cache.redis import RedisCache, RedisCacheArgs
from components.cache.monitoring import redis_section
from components.mail.domain import MailDomain, MailDomainArgs
from components.maintenance import MaintenanceMutes, MaintenanceMutesArgs
from components.mail.monitoring import ses_section
from components.replication.buckets import BucketReplication, BucketReplicationArgs
from components.storage import Storage, StorageArgs
from components.beanstalk.environment import BeanstalkService, BeanstalkServiceArgs, BeanstalkSite
from components.beanstalk.monitoring import BeanstalkMonitoring
from components.beanstalk.network import ServicesNetwork, ServicesNetworkArgs
from components.certificate.expiry import CertificateExpiry, CertificateExpiryArgs
from components.cdn.monitoring import CdnMonitoring, CdnMonitoringArgs
from components.cdn.monitoring import cdn_sections
from components.common import Regions
from components.dashboards import DashboardSet, DashboardSetArgs, business_section
from components.healthchecks.check import ServiceHealthCheck, ServiceHealthCheckArgs
from components.service_alarms import (
    FamilyMonitoring, PlatformAlarms, PlatformAlarmsArgs, ServiceAlarms, ServiceAlarmsArgs, platform_owners,
    platform_section, service_section,
)
from components.secrets import SecretStore, SecretStoreArgs
from components.slo.burn_rate import BurnRateAlarms, BurnRateAlarmsArgs
from components.slo.monitoring import objective_widgets
from data.catalogue.regions import GLOBAL_METRICS_REGION
from data.model import Estate, Service

__all__ = ["Regions", "declare_estate", "declare_regions"]


def declare_regions(estate: Estate) -> Regions:
    """The stack's region, and one explicit provider for the global-metrics region (CloudFront and
    Route 53 metrics) unless the stack already runs there."""
    regions = Regions(primary=estate.region)
    if estate.region != GLOBAL_METRICS_REGION:
        regions.explicit[GLOBAL_METRICS_REGION] = aws.Provider(
            GLOBAL_METRICS_REGION,
            region=GLOBAL_METRICS_REGION,
            default_tags=aws.ProviderDefaultTagsArgs(
                tags={"organisation": estate.organisation, "environment": estate.environment}
            ),
        )
    return regions


def declare_dr_provider(estate: Estate, regions: Regions) -> aws.Provider | None:
    """The provider of the DR region, where the stack keeps its standby buckets (issue 11); not an
    alerting region (``Regions``): nothing there alarms or routes alerts. None without a DR section."""
    dr = estate.disaster_recovery
    if dr is None:
        return None
    if dr.region in regions.explicit:  # the DR region is the global-metrics one: one provider per region
        return regions.explicit[dr.region]
    return aws.Provider(
        dr.region,
        region=dr.region,
        default_tags=aws.ProviderDefaultTagsArgs(tags={"organisation": estate.organisation, "environment": estate.environment}),
    )


def declare_estate(estate: Estate) -> None:
    """Declare the whole estate. Order matters only where outputs feed inputs."""
    regions = declare_regions(estate)
    secrets = SecretStore(f"{estate.organisation}-{estate.environment}-secrets", SecretStoreArgs.from_estate(estate))
    # [alerting] topics per severity per region, then the alarm factory every alarm goes through.
    routing = AlertRouting(f"{estate.organisation}-{estate.environment}-alerting", AlertRoutingArgs.from_estate(estate, regions))
    alarms = AlarmFactory(estate, routing, regions)
    # [services-network] the services' instance security group (the cache admits 6379 from it).
    services_network = (
        ServicesNetwork(f"{estate.organisation}-{estate.environment}-services", ServicesNetworkArgs.from_estate(estate))
        if estate.network else None
    )
    # The cache admits only the instance groups of the services that use it (issue 10 #13).
    cache_clients = (
        {s.name: services_network.instances_of(s.name) for s in estate.services if s.uses_cache}
        if services_network else {}
    )
    # [services-network] the load balancers' certificate, watched in its region (runbook 000: > 30 days).
    if estate.network is not None and estate.network.certificate_arn:  # none in an estate of internal services only
        owner = f"{estate.organisation}-{estate.environment}-alb-certificate"
        CertificateExpiry(owner, CertificateExpiryArgs(owner=owner, network=estate.network, alarms=alarms))
    # [data] buckets, cache, mail, atlas, budget: their outputs feed the services below (the cache's
    # URL and AUTH token, each database's MONGODB_URI secret).
    data = declare_data(estate, routing, alarms, secrets, cache_clients, declare_dr_provider(estate, regions))
    redis_url = data.cache.url if data.cache is not None else None
    mongodb_uri_arns = (
        {s.database: data.atlas.uri_secret_arn(s.database) for s in estate.services if s.database}
        if data.atlas is not None else {}
    )
    # [services] each service as its kind declares it (SERVICE_KINDS), its alarms, dashboard and health check.
    wiring = ServiceWiring(
        secrets=secrets, routing=routing, network=services_network,
        account_id=aws.get_caller_identity_output().account_id, redis_url=redis_url,
        redis_auth_token_arn=data.cache.auth_token_secret_arn if data.cache is not None else None,
        redis_auth_token_version=(
            secrets.version(estate.cache.name, "AUTH_TOKEN", estate.cache.auth_token) if data.cache is not None else None
        ),
        mongodb_uri_arns=mongodb_uri_arns,
    )
    watched = declare_services(estate, alarms, wiring)
    # [cdn] CloudFront alarms (global-metrics region), platform-wide alarms and the runbooks' overview dashboards.
    declare_cdn_and_overviews(estate, regions, alarms, watched)
    # [maintenance] the windows' alarm mute rules, over every alarm declared above.
    MaintenanceMutes(f"{estate.organisation}-{estate.environment}-maintenance", MaintenanceMutesArgs.from_estate(estate, alarms, regions))
    pulumi.export("region", estate.region)
    pulumi.export("regions", regions.all)
    if estate.disaster_recovery is not None:
        pulumi.export("dr_region", estate.disaster_recovery.region)


@dataclass
class DataResources:
    """The [data] family: what the services and the stack outputs read of it (None when not declared)."""

    storage: Storage | None = None
    replication: BucketReplication | None = None
    cache: RedisCache | None = None
    mail: MailDomain | None = None
    atlas: AtlasDatabase | None = None
    budget: CostBudget | None = None


def declare_data(
    estate: Estate, routing: AlertRouting, alarms: AlarmFactory, secrets: SecretStore, cache_clients,
    dr_provider: aws.Provider | None = None,
) -> DataResources:
    """Buckets (and their DR standbys), Redis, SES, Atlas and the cost budget; each is declared when the
    estate has it."""
    prefix = f"{estate.organisation}-{estate.environment}"
    data = DataResources()
    if estate.buckets:
        data.storage = Storage(f"{prefix}-storage", StorageArgs.from_estate(estate))
    if data.storage is not None and dr_provider is not None and estate.disaster_recovery.buckets:
        data.replication = BucketReplication(f"{prefix}-replication", BucketReplicationArgs.from_estate(
            estate, storage=data.storage, provider=dr_provider, alarms=alarms))
    if estate.cache is not None:
        data.cache = RedisCache(f"{prefix}-cache", RedisCacheArgs.from_estate(
            estate, secrets=secrets, alarms=alarms, services_security_groups=cache_clients))
        pulumi.export("redis_url", data.cache.url)
    if estate.mail is not None:
        data.mail = MailDomain(f"{prefix}-mail", MailDomainArgs.from_estate(estate, alarms=alarms))
        pulumi.export("mail_dns_records", data.mail.dns_records)
        pulumi.export("mail_configuration_set", data.mail.configuration_set_name)
    if estate.atlas is not None:
        data.atlas = AtlasDatabase(f"{prefix}-atlas", AtlasDatabaseArgs.from_estate(estate, secrets=secrets, storage=data.storage))
    if estate.budget is not None:
        data.budget = CostBudget(f"{prefix}-budget", CostBudgetArgs.from_estate(estate, routing=routing))
    return data


@dataclass
class ServiceWiring:
    """What the services receive from the rest of the estate: the shared network and topics, each
    database's MONGODB_URI secret, the cache's URL and AUTH token (None when not declared)."""

    secrets: SecretStore
    routing: AlertRouting
    network: ServicesNetwork | None
    account_id: pulumi.Output[str]
    redis_url: pulumi.Input[str] | None = None
    redis_auth_token_arn: pulumi.Input[str] | None = None
    redis_auth_token_version: pulumi.Resource | None = None  # None when operators set the token
    mongodb_uri_arns: dict[str, pulumi.Input[str]] = field(default_factory=dict)

    def secret_arns(self, service: Service) -> dict[str, pulumi.Input[str]]:
        """The service's secrets by environment variable: its own, then the ones the program builds."""
        arns: dict[str, pulumi.Input[str]] = {
            key: self.secrets.arn(service.name, key, ref) for key, ref in sorted(service.secrets.items())
        }
        if service.database and service.database in self.mongodb_uri_arns:
            arns["MONGODB_URI"] = self.mongodb_uri_arns[service.database]
        if service.uses_cache and self.redis_auth_token_arn is not None:  # the cache requires AUTH (rediss://)
            arns["REDIS_AUTH_TOKEN"] = self.redis_auth_token_arn
        return arns

    def secret_versions(self, service: Service) -> list[pulumi.Resource]:
        """The SecretVersions holding the values the service reads at instance bootstrap (issue 10 #7):
        its generated and config secrets, its MONGODB_URI, the cache's AUTH token. Operator-set and SSM
        secrets exist before the ``up`` (preflight checks them) and have none."""
        versions = [self.secrets.version(service.name, key, ref) for key, ref in sorted(service.secrets.items())]
        if service.database and service.database in self.mongodb_uri_arns:
            versions.append(self.secrets.version(service.name, "MONGODB_URI"))
        if service.uses_cache and self.redis_auth_token_arn is not None:
            versions.append(self.redis_auth_token_version)
        return [v for v in versions if v is not None]


def declare_beanstalk(estate: Estate, service: Service, wiring: ServiceWiring) -> BeanstalkMonitoring:
    """An Elastic Beanstalk application + environment, watched from inside through enhanced health."""
    site = BeanstalkSite.from_estate(
        estate, security_groups=wiring.network, alert_topic_arns=wiring.routing.topic_arns(), account_id=wiring.account_id,
    )
    eb = BeanstalkService(service.name, BeanstalkServiceArgs.from_estate(
        estate, service, site=site, secret_arns=wiring.secret_arns(service), redis_url=wiring.redis_url,
        secret_versions=wiring.secret_versions(service),
    ))
    # The queue alarms take the queues' name outputs: they depend on the queues the environment reads.
    queues = {"queue": eb.queue.name, "dead_letter": eb.dead_letter_queue.name} if eb.queue is not None else {}
    return BeanstalkMonitoring(service, eb.environment_name, eb.autoscaling_group, eb.load_balancer, queues=queues)


def declare_external(estate: Estate, service: Service, wiring: ServiceWiring) -> None:
    """A service hosted elsewhere: nothing to declare or watch from inside; its Route 53 health check
    and its metric alarms watch it."""
    return None


# The one place a service's kind matters: what declares it and what its family watches from inside.
SERVICE_KINDS: dict[str, Callable[[Estate, Service, ServiceWiring], FamilyMonitoring | None]] = {
    "beanstalk": declare_beanstalk,
    "external": declare_external,
}


@dataclass
class WatchedService:
    """What the overview dashboards reuse of a declared service."""

    service: Service
    family: FamilyMonitoring | None = None
    health_check_id: pulumi.Output[str] | None = None
    alarm_arns: list[pulumi.Output[str]] = field(default_factory=list)


def declare_services(estate: Estate, alarms: AlarmFactory, wiring: ServiceWiring) -> dict[str, WatchedService]:
    """Per service: what its kind declares, its alarms, its health check and its dashboard."""
    watched: dict[str, WatchedService] = {}
    for service in estate.services:
        entry = WatchedService(service, family=SERVICE_KINDS[service.kind](estate, service, wiring))
        ServiceAlarms(f"{service.name}-alarms", ServiceAlarmsArgs(service=service, alarms=alarms, family=entry.family))
        if service.public_url:
            entry.health_check_id = ServiceHealthCheck(
                f"{service.name}-health", ServiceHealthCheckArgs.from_estate(estate, service, alarms=alarms),
            ).health_check.id
        entry.alarm_arns = [alarm.arn for alarm in alarms.alarms_of(service.name)]
        objective = declare_objective(estate, service, entry.family, alarms)
        DashboardSet(f"{service.name}-dashboard", DashboardSetArgs(service.name, [
            service_section(estate, service, entry.family, entry.alarm_arns, entry.health_check_id, objective),
        ]))
        watched[service.name] = entry
    return watched


def declare_objective(estate: Estate, service: Service, family: FamilyMonitoring | None, alarms: AlarmFactory) -> list:
    """The burn-rate alarms of a service with an objective, and their dashboard widgets (none without one).
    The SLI is read by the load balancer (the model allows an objective only where the catalogue has an SLI)."""
    dimension_value = getattr(family, "load_balancer", None)
    if service.slo is None or dimension_value is None:
        return []
    burn = BurnRateAlarms(f"{service.name}-slo", BurnRateAlarmsArgs(service, dimension_value, alarms))
    return objective_widgets(service, dimension_value, estate.region, [alarm.arn for alarm in burn.composites.values()])


def declare_cdn_and_overviews(
    estate: Estate, regions: Regions, alarms: AlarmFactory, watched: dict[str, WatchedService]
) -> None:
    """CloudFront monitoring (global-metrics region), the platform-wide alarms and the runbooks' overview dashboards."""
    for distribution in estate.cdn:
        CdnMonitoring(f"{distribution.name}-monitoring", CdnMonitoringArgs(distribution, alarms, regions))
    platform_arns: dict[tuple[str, str], list] = {}
    for owner in platform_owners(estate):
        platform = PlatformAlarms(f"{owner}-alarms", PlatformAlarmsArgs(owner=owner, declared=estate.platform_alarms, alarms=alarms))
        for signal, levels in platform.by_signal.items():
            platform_arns[(owner, signal)] = [alarm.arn for alarm in levels]
    for board in estate.dashboards:
        sections = []
        for name in board.services:
            entry = watched[name]
            arns = entry.alarm_arns + [
                alarm.arn for cdn in estate.cdn if cdn.service == name for alarm in alarms.alarms_of(cdn.name)
            ]
            sections.append(service_section(estate, entry.service, entry.family, arns, entry.health_check_id))
        # The data families the board's services depend on, each section owned by its family.
        sections += cdn_sections(estate, board.services)
        sections += [s for s in (redis_section(estate, board.services, alarms), ses_section(estate, board.services, alarms)) if s]
        if board.business_metrics:
            sections.append(business_section(estate, board))
        platform = platform_section(estate, board.name, platform_arns)
        if platform is not None:
            sections.append(platform)
        DashboardSet(f"{board.name}-overview", DashboardSetArgs(board.name, sections))
