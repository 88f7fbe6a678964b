"""The program: assembles the components from the estate model. Data flows one way:
estate (validated stack data) -> components (one per resource family) -> resources.

Both the real Pulumi CLI (``infra/__main__.py``) and the offline engine call ``declare_estate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.alerting import AlertRouting
from components.beanstalk import ServicesNetwork
from components.secrets import SecretStore
from infra.estate import Estate

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
    secrets = SecretStore(f"{estate.organisation}-{estate.environment}-secrets", estate)
    # [alerting] topics per severity per region, then the alarm factory every alarm goes through.
    routing = AlertRouting(f"{estate.organisation}-{estate.environment}-alerting", estate, regions)
    alarms = AlarmFactory(estate, routing, regions)
    # [services-network] the services' instance security group (the cache admits 6379 from it).
    services_network = (
        ServicesNetwork(f"{estate.organisation}-{estate.environment}-services", estate) if estate.network else None
    )
    services_security_group = services_network.instances if services_network else None
    # [data] buckets, cache, mail, atlas, budget: their outputs feed the services below.
    # [services] Elastic Beanstalk services, their alarms, dashboards and health checks.
    # [cdn] CloudFront alarms (us-east-1) and the runbooks' overview dashboards.
    pulumi.export("region", estate.region)
    pulumi.export("regions", regions.all)
