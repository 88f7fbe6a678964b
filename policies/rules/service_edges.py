"""Services at their edge: the CDN's behaviours, the load balancers' listeners, the rate limiter
(registered by ``services``, after its own rules)."""

from __future__ import annotations

from data.catalogue import beanstalk_options as opt

from .base import dependents, eb_names, eb_setting, get, get_path, items, known_or_none, of_type, resource_rule, stack_rule, truthy

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
APP_ENV = opt.APPLICATION_ENVIRONMENT


DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


@resource_rule(
    "services-cdn-https-compressed", area="services", category="security",
    description="Every CloudFront cache behaviour redirects HTTP to HTTPS (or allows HTTPS only) and compresses responses.",
    runbook="CDN forces HTTPS and compresses",
    remediation="Set viewer_protocol_policy to redirect-to-https (or https-only) and compress=True on every cache behaviour.",
    types=DISTRIBUTION,
)
def cdn_https_compressed(args, report_violation):
    behaviours = [("default", get(args.props, "defaultCacheBehavior"))]
    behaviours += [(get(b, "pathPattern", "?"), b) for b in items(get(args.props, "orderedCacheBehaviors"))]
    for path, behaviour in behaviours:
        if behaviour is None:
            continue
        policy = get(behaviour, "viewerProtocolPolicy")
        if policy not in ("redirect-to-https", "https-only"):
            report_violation(f"cache behaviour {path}: viewerProtocolPolicy is {policy!r}, plain HTTP is served.")
        if not truthy(get(behaviour, "compress", False)):
            report_violation(f"cache behaviour {path}: compress is not true.")


LISTENER_HTTPS = opt.listener(443)
LISTENER_DEFAULT = opt.LISTENER_DEFAULT  # the ALB's port-80 listener
EB_ENVIRONMENT = opt.ENVIRONMENT
LOAD_BALANCER_LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LOAD_BALANCER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")


def _redirects_to_https(resource) -> bool:
    """A listener (port 80) or listener rule whose action redirects to HTTPS."""
    if resource.resource_type in LOAD_BALANCER_LISTENERS:
        if get(resource.props, "port") not in (80, "80"):
            return False
        actions = items(get(resource.props, "defaultActions"))
    else:
        actions = items(get(resource.props, "actions"))
    return any(get(a, "type") == "redirect" and get_path(a, "redirect", "protocol") == "HTTPS" for a in actions)


@stack_rule(
    "services-environment-https-listener", area="services", category="security",
    description="Every web Elastic Beanstalk environment serves HTTPS on 443 with a certificate, and its port-80 listener is disabled or redirects to HTTPS"
    " (an internal load balancer of an estate without a certificate listens on HTTP inside the VPC).",
    runbook="HTTPS forced",
    remediation="On an application load balancer, set aws:elbv2:listener:443 Protocol=HTTPS with SSLCertificateArns (estate "
    "network.certificate_arn) and aws:elbv2:listener:default ListenerEnabled=false (or redirect port 80 to HTTPS with a "
    "ListenerRule depending on the environment).",
)
def environment_https_listener(args, report_violation):
    redirects = of_type(args.resources, *LOAD_BALANCER_LISTENERS, *LOAD_BALANCER_RULES)
    for environment in of_type(args.resources, ENVIRONMENT):
        props, name = environment.props, environment.name
        if get(props, "tier") == "Worker":
            continue  # a worker environment has no listener
        if eb_setting(props, EB_ENVIRONMENT, "EnvironmentType") == "SingleInstance":
            report_violation(f"environment {name} is single-instance: no load balancer terminates HTTPS.", environment.urn)
            continue
        balancer = eb_setting(props, EB_ENVIRONMENT, "LoadBalancerType")
        if balancer != "application":
            report_violation(
                f"environment {name}: LoadBalancerType is {balancer!r}, not 'application': the aws:elbv2 listeners "
                "(HTTPS with a certificate, port 80 closed) apply to an application load balancer.", environment.urn)
            continue
        internal = eb_setting(props, opt.VPC, "ELBScheme") == "internal"
        if internal and "Protocol" not in eb_names(props, LISTENER_HTTPS):
            continue  # an internal load balancer without a certificate: HTTP inside the VPC, from the estate's instances only
        if eb_setting(props, LISTENER_HTTPS, "ListenerEnabled") == "false" or eb_setting(props, LISTENER_HTTPS, "Protocol") != "HTTPS":
            report_violation(f"environment {name} has no enabled HTTPS listener on 443 ({LISTENER_HTTPS} Protocol=HTTPS).", environment.urn)
        elif "SSLCertificateArns" not in eb_names(props, LISTENER_HTTPS) or known_or_none(
                lambda: eb_setting(props, LISTENER_HTTPS, "SSLCertificateArns")) == "":
            report_violation(f"environment {name}: the HTTPS listener has no SSLCertificateArns.", environment.urn)
        port_80_open = eb_setting(props, LISTENER_DEFAULT, "ListenerEnabled") != "false"
        if port_80_open and not any(_redirects_to_https(r) for r in dependents(redirects, environment, *LOAD_BALANCER_LISTENERS, *LOAD_BALANCER_RULES)):
            report_violation(
                f"environment {name}: the port-80 listener ({LISTENER_DEFAULT}) is enabled and nothing redirects it to "
                "HTTPS, so the service answers in plain HTTP.", environment.urn)


RATE_LIMIT_PREFIX = "RATE_LIMIT_"


@resource_rule(
    "services-environment-rate-limit", area="services", category="hygiene",
    description="A service that configures its rate limiter (RATE_LIMIT_* variables) sets both the window and the maximum, as positive integers.",
    runbook="Rate limiting enabled",
    remediation="Declare RATE_LIMIT_WINDOW_MS and RATE_LIMIT_MAX_REQUESTS together in services[].env (for example 900000 and 200).",
    types=ENVIRONMENT,
)
def environment_rate_limit(args, report_violation):
    names = [n for n in eb_names(args.props, APP_ENV) if n.startswith(RATE_LIMIT_PREFIX)]
    if not names:
        return  # services without a rate limiter of their own are not judged (docs/policies.md § not enforced)
    for part, what in (("WINDOW", "window"), ("MAX", "maximum")):
        found = [n for n in names if part in n[len(RATE_LIMIT_PREFIX):]]
        if not found:
            report_violation(f"{', '.join(names)} set but no {RATE_LIMIT_PREFIX}{part}*: the limiter falls back to its {what} default.")
        for name in found:
            value = known_or_none(lambda: eb_setting(args.props, APP_ENV, name))
            if value is not None and not (isinstance(value, str) and value.isdigit() and int(value) > 0):
                report_violation(f"{name} is {value!r}, not a positive integer: the limiter would ignore it or block everyone.")
