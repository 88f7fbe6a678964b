"""Certificate: the load balancers' ACM certificate (``network.certificate_arn``) is ISSUED, lives in
the environments' region (an ALB uses only a certificate of its own region), and covers the host name
of every Elastic Beanstalk service's ``public_url`` (its domain name or a subject alternative name;
a wildcard covers exactly one label). ``DescribeCertificate``.

Host names under AWS's own domains (``*.cloudfront.net``, ``*.elasticbeanstalk.com``) are served with
AWS's certificates, never with this one: they are left out and named in the result.
"""

from __future__ import annotations

from urllib.parse import urlparse

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


@check("certificate", "the ACM certificate is issued, in the environments' region, and covers the public host names")
def certificate(ctx: Context):
    network = ctx.estate.network
    if network is None:
        return
    arn = network.certificate_arn
    cert_region = arn.split(":")[3]
    subject = arn.rsplit("/", 1)[-1]
    if cert_region != ctx.region:
        yield ctx.failed("certificate", subject, cert_region,
                         f"is in {cert_region}; the environments' load balancers are in {ctx.region} and can use only"
                         " a certificate of their region",
                         f"request or import the certificate in {ctx.region} and set network.certificate_arn to it")
    try:
        described = call(ctx.clients("acm", cert_region).describe_certificate, CertificateArn=arn)["Certificate"]
    except Missing:
        yield ctx.failed("certificate", subject, cert_region, f"{arn} does not exist in this account",
                         f"request it (`aws acm request-certificate --region {ctx.region}`) or import it,"
                         " and set network.certificate_arn to its ARN")
        return
    except Unavailable as error:
        yield ctx.unavailable("certificate", subject, cert_region, "DescribeCertificate", error,
                              f"check it by hand: aws acm describe-certificate --region {cert_region} --certificate-arn {arn}")
        return
    status = described.get("Status", "?")
    if status != "ISSUED":
        yield ctx.failed("certificate", subject, cert_region, f"status is {status}, not ISSUED",
                         "complete its validation (publish the DNS validation records) or replace it")
    else:
        yield ctx.passed("certificate", subject, cert_region, "ISSUED")
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
