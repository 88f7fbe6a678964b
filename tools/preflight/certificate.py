"""Certificate: the load balancers' ACM certificate (``network.certificate_arn``) is ISSUED, lives in
the environments' region (an ALB uses only a certificate of its own region), covers the host name
of every Elastic Beanstalk service's ``public_url`` (its domain name or a subject alternative name;
a wildcard covers exactly one label), and does not expire within the level of its DaysToExpiry alarm
(runbook 000, monthly: "Certificats SSL ... valides (> 30 jours)"; issue 10 #15). The ACM certificate
of each watched CloudFront distribution (``GetDistribution``'s viewer certificate, in us-east-1) is
held to the same: ISSUED and not expiring within that level. ``DescribeCertificate``.

Host names under AWS's own domains (``*.cloudfront.net``, ``*.elasticbeanstalk.com``) are served with
AWS's certificates, never with this one: they are left out and named in the result.
"""

from __future__ import annotations

from urllib.parse import urlparse

from data.catalogue.regions import GLOBAL_METRICS_REGION
from tools.certificate_expiry import Finding, alarm_level, expiry, status
from tools.preflight.aws import Missing, Unavailable, call
from tools.preflight.registry import Context, check

AWS_OWNED_SUFFIXES = (".cloudfront.net", ".elasticbeanstalk.com", ".amazonaws.com")


def covers(names: list[str], host: str) -> bool:
    """Whether a certificate for ``names`` is valid for ``host`` (RFC 6125: ``*`` is one whole label)."""
    host = host.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def public_hosts(estate) -> tuple[list[str], list[str]]:
    """(host names the certificate must cover, host names served by AWS's own certificates)."""
    ours, aws_owned = [], []
    for service in estate.services:
        if service.kind != "beanstalk" or not service.public_url:
            continue
        host = urlparse(service.public_url).hostname or ""
        (aws_owned if host.endswith(AWS_OWNED_SUFFIXES) else ours).append(host)
    return list(dict.fromkeys(ours)), list(dict.fromkeys(aws_owned))


def _result(ctx: Context, finding: Finding, subject: str, region: str):
    if finding.ok:
        return ctx.passed("certificate", subject, region, finding.detail)
    return ctx.failed("certificate", subject, region, finding.detail, finding.action)


@check("certificate", "the ACM certificates are issued, in their region, cover the public host names and do not expire soon")
def certificate(ctx: Context):
    network = ctx.estate.network
    # The level the certificate's alarms use (network.certificate_expiry_days), for every certificate.
    level = alarm_level(network.certificate_expiry_days if network is not None else None)
    if network is not None and network.certificate_arn:  # an estate of internal services only has none
        yield from _load_balancers_certificate(ctx, network, level)
    yield from _cloudfront_certificates(ctx, level)


def _load_balancers_certificate(ctx: Context, network, level: float):
    arn = network.certificate_arn
    cert_region = arn.split(":")[3]
    subject = arn.rsplit("/", 1)[-1]
    if cert_region != ctx.region:
        yield ctx.failed("certificate", subject, cert_region,
                         f"is in {cert_region}; the environments' load balancers are in {ctx.region} and can use only"
                         " a certificate of their region",
                         f"request or import the certificate in {ctx.region} and set network.certificate_arn to it")
    described = yield from _described(
        ctx, arn, subject, cert_region, level, f"{arn} does not exist in this account",
        f"request it (`aws acm request-certificate --region {ctx.region}`) or import it, and set network.certificate_arn to its ARN")
    if described is None:
        return
    names = [described.get("DomainName", "")] + list(described.get("SubjectAlternativeNames") or [])
    hosts, aws_owned = public_hosts(ctx.estate)
    missing = [h for h in hosts if not covers(names, h)]
    skipped = f" ({', '.join(aws_owned)} served by AWS's certificate)" if aws_owned else ""
    if missing:
        yield ctx.failed("certificate", f"{subject} names", cert_region,
                         f"does not cover {', '.join(missing)} (it names {', '.join(n for n in names if n)})",
                         "request a certificate whose names cover every public_url host (a SAN per host or a wildcard)")
    elif hosts:
        yield ctx.passed("certificate", f"{subject} names", cert_region, f"covers {', '.join(hosts)}{skipped}")


def _cloudfront_certificates(ctx: Context, level: float):
    """Each watched distribution's viewer certificate: an ACM one is checked in us-east-1 (CloudFront
    uses certificates of that region only); CloudFront's default certificate is AWS's to renew. A
    distribution that cannot be read is the ``cloudfront`` check's to report."""
    region = GLOBAL_METRICS_REGION
    for dist in ctx.estate.cdn:
        did = dist.distribution_id
        try:
            answer = call(ctx.clients("cloudfront", region).get_distribution, Id=did)
        except (Missing, Unavailable):
            continue
        viewer = answer.get("Distribution", {}).get("DistributionConfig", {}).get("ViewerCertificate") or {}
        arn = viewer.get("ACMCertificateArn")
        subject = f"{did} certificate"
        if not arn:
            if viewer.get("IAMCertificateId"):
                yield ctx.unchecked("certificate", subject, region, "an IAM server certificate, not ACM's",
                                    f"check its expiry: aws iam list-server-certificates (id {viewer['IAMCertificateId']})")
            else:
                yield ctx.passed("certificate", subject, region, "CloudFront's default certificate (*.cloudfront.net), renewed by AWS")
            continue
        yield from _described(ctx, arn, subject, region, level, f"{arn} (distribution {did}) does not exist in this account",
                              "attach an ISSUED certificate of us-east-1 to the distribution")


def _described(ctx: Context, arn: str, subject: str, region: str, level: float, missing: str, action: str):
    """Yields the certificate's status and expiry results; returns its description (None when unreadable)."""
    try:
        described = call(ctx.clients("acm", region).describe_certificate, CertificateArn=arn)["Certificate"]
    except Missing:
        yield ctx.failed("certificate", subject, region, missing, action)
        return None
    except Unavailable as error:
        yield ctx.unavailable("certificate", subject, region, "DescribeCertificate", error,
                              f"check it by hand: aws acm describe-certificate --region {region} --certificate-arn {arn}")
        return None
    yield _result(ctx, status(described), subject, region)
    found = expiry(described, level)
    if found is not None:
        yield _result(ctx, found, f"{subject} expiry", region)
    return described
