"""Route 53 health checks: each health check of the render exists in Route 53 and reports healthy
from every checker.

Route 53 is a global service: its API (and its health-check metrics) answer in the global-metrics
region of ``data.catalogue.regions``, whatever the stack's region.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue.regions import GLOBAL_METRICS_REGION as GLOBAL_REGION
from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context, Declared
from tools.verify.report import FAIL, NOT_CHECKABLE, PASS

FAMILY, WHAT = "health-check", "health checks"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
DEFAULT_PORTS = {"HTTPS": 443, "HTTPS_STR_MATCH": 443, "HTTP": 80, "HTTP_STR_MATCH": 80}


@dataclass(frozen=True)
class WatchedUrl:
    """A public URL a health check watches: ``public_url`` (scheme, host, non-default port) + ``path``."""

    public_url: str
    host: str
    path: str

    @property
    def url(self) -> str:
        return f"{self.public_url}{self.path}"


def expected_urls(declared: Declared) -> list[WatchedUrl]:
    urls = []
    for check in declared.of_type(HEALTH_CHECK):
        inputs = declared.inputs(check)
        kind, host, port = str(inputs.get("type", "HTTPS")), inputs.get("fqdn"), inputs.get("port")
        scheme = "https" if kind.startswith("HTTPS") else "http"
        suffix = f":{port}" if port and port != DEFAULT_PORTS.get(kind) else ""
        urls.append(WatchedUrl(f"{scheme}://{host}{suffix}", host, inputs.get("resourcePath") or "/"))
    return urls


def check(ctx: Context) -> None:
    watched = expected_urls(ctx.declared)
    if not watched:
        return
    route53 = ctx.clients("route53", GLOBAL_REGION)
    try:
        checks = []
        marker = None
        while True:
            page = call(route53.list_health_checks, **({"Marker": marker} if marker else {}))
            checks += page.get("HealthChecks", [])
            if not page.get("IsTruncated"):
                break
            marker = page.get("NextMarker")
    except Unavailable as error:
        for service in watched:
            ctx.unavailable("health-check", service.public_url, GLOBAL_REGION, error, "Route 53 ListHealthChecks")
        return
    for service in watched:
        host, path, url = service.host, service.path, service.url
        match = next(
            (c for c in checks
             if c.get("HealthCheckConfig", {}).get("FullyQualifiedDomainName") == host
             and (c.get("HealthCheckConfig", {}).get("ResourcePath") or "/") == path),
            None,
        )
        if match is None:
            ctx.add("health-check", url, GLOBAL_REGION, FAIL, "missing: no Route 53 health check watches this URL",
                    "run `pulumi up`: without it nobody is told when the service is down from outside")
            continue
        try:
            observations = call(route53.get_health_check_status, HealthCheckId=match["Id"]).get("HealthCheckObservations", [])
        except (Unavailable, LookupError) as error:
            ctx.unavailable("health-check", url, GLOBAL_REGION, error, "Route 53 GetHealthCheckStatus")
            continue
        failing = [o for o in observations if not str(o.get("StatusReport", {}).get("Status", "")).startswith("Success")]
        if not observations:
            ctx.add("health-check", url, GLOBAL_REGION, NOT_CHECKABLE, "no checker has reported yet",
                    "run verify again in a few minutes")
        elif failing:
            reasons = sorted({f"{o.get('Region')}: {o.get('StatusReport', {}).get('Status')}" for o in failing})
            ctx.add("health-check", url, GLOBAL_REGION, FAIL,
                    f"{len(failing)} of {len(observations)} checkers report failure ({'; '.join(reasons[:3])})",
                    f"`curl -i {url}`; then the environment's health and logs (runbook 000, daily health check)")
        else:
            ctx.add("health-check", url, GLOBAL_REGION, PASS, f"healthy from {len(observations)} checkers")
