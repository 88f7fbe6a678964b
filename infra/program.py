"""The program: assembles the components from the estate model. Data flows one way:
estate (validated stack data) -> components (one per resource family) -> resources.

Both the real Pulumi CLI (``infra/__main__.py``) and the offline engine call ``declare_estate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.alerting import AlertRouting, AlertRoutingArgs
from components.atlas import AtlasDatabase, AtlasDatabaseArgs
from components.budget import CostBudget, CostBudgetArgs
from components.cache import RedisCache, RedisCacheArgs
from components.mail import MailDomain, MailDomainArgs
from components.storage import Storage, StorageArgs
from components.beanstalk.environment import BeanstalkService, ServicesNetwork, ServiceWiring
from components.cdn import CdnMonitoring, CdnMonitoringArgs
from components.cdn.monitoring import cdn_sections
from components.cache.monitoring import redis_section
from components.mail.monitoring import ses_section
from components.dashboards import DashboardSet, business_section, service_section
from components.healthchecks import ServiceHealthCheck
from components.service_alarms import PlatformAlarms, ServiceAlarms, platform_owners, platform_section
from components.secrets import SecretStore, SecretStoreArgs
from data.model import Estate, Service

# CloudFront and Route 53 health-check metrics exist only in us-east-1 (estate-inventory B.1 #3).
GLOBAL_METRICS_REGION = "us-east-1"


@dataclass
class Regions:
    """Providers per region. The primary region uses the default provider (``aws:region``), so
    ``provider`` is None for it; us-east-1 gets one explicit provider passed down through options."""

    primary: str
    explicit: dict[str, aws.Provider] = field(default_factory=dict)

    def provider(self, region: str) -> aws.Provider | None:
        return None if region == self.primary else self.explicit[region]

    def options(self, region: str) -> pulumi.ResourceOptions:
        provider = self.provider(region)
        return pulumi.ResourceOptions(provider=provider) if provider else pulumi.ResourceOptions()

    @property
    def all(self) -> list[str]:
        return [self.primary, *sorted(self.explicit)]


def declare_regions(estate: Estate) -> Regions:
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


def declare_estate(estate: Estate) -> None:
    """Declare the whole estate. Order matters only where outputs feed inputs."""
    regions = declare_regions(estate)
    secrets = SecretStore(f"{estate.organisation}-{estate.environment}-secrets", SecretStoreArgs.from_estate(estate))
    # [alerting] topics per severity per region, then the alarm factory every alarm goes through.
    routing = AlertRouting(f"{estate.organisation}-{estate.environment}-alerting", AlertRoutingArgs.from_estate(estate, regions))
    alarms = AlarmFactory(estate, routing, regions)
    # [services-network] the services' instance security group (the cache admits 6379 from it).
    services_network = (
        ServicesNetwork(f"{estate.organisation}-{estate.environment}-services", estate) if estate.network else None
    )
    services_security_group = services_network.instances if services_network else None
    # [data] buckets, cache, mail, atlas, budget: their outputs feed the services below (the cache's
    # URL and AUTH token, each database's MONGODB_URI secret).
    data = declare_data(estate, routing, alarms, secrets, services_security_group)
    redis_url = data.cache.url if data.cache is not None else None
    mongodb_uri_arns = (
        {s.database: data.atlas.uri_secret_arn(s.database) for s in estate.services if s.database}
        if data.atlas is not None else {}
    )
    # [services] Elastic Beanstalk services, their alarms, dashboards and health checks.
    watched = declare_services(
        estate, regions, routing, alarms, secrets, services_network, redis_url=redis_url, mongodb_uri_arns=mongodb_uri_arns,
        redis_auth_token_arn=data.cache.auth_token_secret_arn if data.cache is not None else None,
    )
    # [cdn] CloudFront alarms (us-east-1), platform-wide alarms and the runbooks' overview dashboards.
    declare_cdn_and_overviews(estate, regions, alarms, watched)
    pulumi.export("region", estate.region)
    pulumi.export("regions", regions.all)


@dataclass
class DataResources:
    """The [data] family: what the services and the stack outputs read of it (None when not declared)."""

    storage: Storage | None = None
    cache: RedisCache | None = None
    mail: MailDomain | None = None
    atlas: AtlasDatabase | None = None
    budget: CostBudget | None = None


def declare_data(
    estate: Estate, routing: AlertRouting, alarms: AlarmFactory, secrets: SecretStore, services_security_group
) -> DataResources:
    """Buckets, Redis, SES, Atlas and the cost budget; each is declared when the estate has it."""
    prefix = f"{estate.organisation}-{estate.environment}"
    data = DataResources()
    if estate.buckets:
        data.storage = Storage(f"{prefix}-storage", StorageArgs.from_estate(estate))
    if estate.cache is not None:
        data.cache = RedisCache(f"{prefix}-cache", RedisCacheArgs.from_estate(
            estate, secrets=secrets, alarms=alarms, services_security_group=services_security_group))
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
class WatchedService:
    """What the overview dashboards reuse of a declared service."""

    service: Service
    autoscaling_group: pulumi.Output[str] | None = None
    health_check_id: pulumi.Output[str] | None = None
    alarm_arns: list[pulumi.Output[str]] = field(default_factory=list)


def declare_services(
    estate: Estate, regions: Regions, routing: AlertRouting, alarms: AlarmFactory, secrets: SecretStore,
    network: ServicesNetwork | None, *, redis_url: pulumi.Input[str] | None, mongodb_uri_arns: dict[str, pulumi.Input[str]],
    redis_auth_token_arn: pulumi.Input[str] | None = None,
) -> dict[str, WatchedService]:
    """Per service: the Elastic Beanstalk service (kind beanstalk), its alarms, health check and dashboard."""
    account_id = aws.get_caller_identity_output().account_id
    watched: dict[str, WatchedService] = {}
    for service in estate.services:
        entry = WatchedService(service)
        environment_name = None
        if service.kind == "beanstalk":
            secret_arns: dict[str, pulumi.Input[str]] = {
                key: secrets.arn(service.name, key, ref) for key, ref in sorted(service.secrets.items())
            }
            if service.database and service.database in mongodb_uri_arns:
                secret_arns["MONGODB_URI"] = mongodb_uri_arns[service.database]
            if service.uses_cache and redis_auth_token_arn is not None:  # the cache requires AUTH (rediss://)
                secret_arns["REDIS_AUTH_TOKEN"] = redis_auth_token_arn
            eb = BeanstalkService(
                service.name, estate, service,
                ServiceWiring(
                    network=network, alert_topic_arns=routing.topic_arns(), secret_arns=secret_arns,
                    redis_url=redis_url if service.uses_cache else None, account_id=account_id,
                ),
            )
            environment_name, entry.autoscaling_group = eb.environment_name, eb.autoscaling_group
        ServiceAlarms(
            f"{service.name}-alarms", service, alarms,
            environment_name=environment_name, autoscaling_group=entry.autoscaling_group,
        )
        if service.public_url:
            entry.health_check_id = ServiceHealthCheck(f"{service.name}-health", estate, service, alarms).health_check.id
        entry.alarm_arns = [alarm.arn for alarm in alarms.alarms_of(service.name)]
        DashboardSet(
            f"{service.name}-dashboard", service.name,
            [service_section(estate, service, entry.autoscaling_group, entry.alarm_arns, entry.health_check_id)],
        )
        watched[service.name] = entry
    return watched


def declare_cdn_and_overviews(
    estate: Estate, regions: Regions, alarms: AlarmFactory, watched: dict[str, WatchedService]
) -> None:
    """CloudFront monitoring (us-east-1), the platform-wide alarms and the runbooks' overview dashboards."""
    for distribution in estate.cdn:
        CdnMonitoring(f"{distribution.name}-monitoring", CdnMonitoringArgs(distribution, alarms, regions))
    platform_arns: dict[tuple[str, str], list] = {}
    for owner in platform_owners(estate):
        platform = PlatformAlarms(f"{owner}-alarms", owner, estate.platform_alarms, alarms)
        for signal, levels in platform.by_signal.items():
            platform_arns[(owner, signal)] = [alarm.arn for alarm in levels]
    for board in estate.dashboards:
        sections = []
        for name in board.services:
            entry = watched[name]
            arns = entry.alarm_arns + [
                alarm.arn for cdn in estate.cdn if cdn.service == name for alarm in alarms.alarms_of(cdn.name)
            ]
            sections.append(service_section(estate, entry.service, entry.autoscaling_group, arns, entry.health_check_id))
        # The data families the board's services depend on, each section owned by its family.
        sections += cdn_sections(estate, board.services)
        sections += [s for s in (redis_section(estate, board.services, alarms), ses_section(estate, board.services, alarms)) if s]
        if board.business_metrics:
            sections.append(business_section(estate, board))
        platform = platform_section(estate, board.name, platform_arns)
        if platform is not None:
            sections.append(platform)
        DashboardSet(f"{board.name}-overview", board.name, sections)
