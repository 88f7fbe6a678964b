"""Certificates (issue 10 #15; runbook 000, monthly: "Certificats SSL CloudFront valides (> 30 jours)"):
every ACM certificate the render uses is ISSUED and does not expire within the level of its DaysToExpiry
alarms. The certificates are read from the render: the HTTPS listeners' (``SSLCertificateArns`` of each
Elastic Beanstalk environment) and each one a DaysToExpiry alarm watches, each in its ARN's region; and
the ACM certificate of each CloudFront distribution the render alarms on (``GetDistribution``'s viewer
certificate, in us-east-1: the distributions are managed elsewhere, their certificate is only read).

The level is the highest threshold of the certificate's DaysToExpiry alarms (the warning), else of any
DaysToExpiry alarm of the render, else the model's default: the alarms' own figure, never a second one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data.catalogue import acm, cloudfront
from data.catalogue import beanstalk_options as opt
from data.catalogue.regions import GLOBAL_METRICS_REGION
from tools.certificate_expiry import Finding, alarm_level_of, expiry, status
from tools.verify.alarms import METRIC_ALARM
from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "certificate", "certificates"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
HTTPS_LISTENER, CERTIFICATES_OPTION = opt.listener(443), "SSLCertificateArns"
CERTIFICATE_DIMENSION = acm.DAYS_TO_EXPIRY.dimensions[0]
DISTRIBUTION_DIMENSION = cloudfront.DISTRIBUTION[0]


def _arns(value: Any) -> list[str]:
    """ACM ARNs in an option value (a comma-separated list) or a dimension value."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(",") if part.strip().startswith("arn:aws:acm:")]


def declared_certificates(ctx: Context) -> tuple[dict[str, list[float]], list[str]]:
    """(ACM ARN -> thresholds of its DaysToExpiry alarms, CloudFront distribution ids alarmed on)."""
    declared = ctx.declared
    certificates: dict[str, list[float]] = {}
    distributions: list[str] = []
    for environment in declared.of_type(ENVIRONMENT):
        for setting in declared.inputs(environment).get("settings") or []:
            if (setting.get("namespace"), setting.get("name")) == (HTTPS_LISTENER, CERTIFICATES_OPTION):
                for arn in _arns(setting.get("value")):
                    certificates.setdefault(arn, [])
    for alarm in declared.of_type(METRIC_ALARM):
        inputs = declared.inputs(alarm)
        dimensions = inputs.get("dimensions") or {}
        if inputs.get("namespace") == acm.NAMESPACE and inputs.get("metricName") == acm.DAYS_TO_EXPIRY.name:
            for arn in _arns(dimensions.get(CERTIFICATE_DIMENSION)):
                certificates.setdefault(arn, []).append(float(inputs.get("threshold")))
        if inputs.get("namespace") == cloudfront.NAMESPACE and isinstance(dimensions.get(DISTRIBUTION_DIMENSION), str):
            if dimensions[DISTRIBUTION_DIMENSION] not in distributions:
                distributions.append(dimensions[DISTRIBUTION_DIMENSION])
    return certificates, distributions


def check(ctx: Context) -> None:
    certificates, distributions = declared_certificates(ctx)
    every_level = [t for thresholds in certificates.values() for t in thresholds]
    for arn, thresholds in certificates.items():
        _check_certificate(ctx, arn, arn.rsplit("/", 1)[-1], alarm_level_of(thresholds or every_level))
    for distribution_id in distributions:
        _check_distribution(ctx, distribution_id, alarm_level_of(every_level), checked=set(certificates))


def _add(ctx: Context, finding: Finding, resource: str, region: str) -> None:
    ctx.add(FAMILY, resource, region, PASS if finding.ok else FAIL, finding.detail, finding.action)


def _check_certificate(ctx: Context, arn: str, resource: str, level: float) -> None:
    region = arn.split(":")[3]
    try:
        described: Mapping[str, Any] = call(ctx.clients("acm", region).describe_certificate, CertificateArn=arn)["Certificate"]
    except LookupError:
        ctx.add(FAMILY, resource, region, FAIL, f"missing: {arn} does not exist in this account",
                f"request or import the certificate in {region} and point the estate at it (network.certificate_arn)")
        return
    except Unavailable as error:
        ctx.unavailable(FAMILY, resource, region, error, "ACM DescribeCertificate",
                        f"aws acm describe-certificate --region {region} --certificate-arn {arn}: Status ISSUED, NotAfter")
        return
    _add(ctx, status(described), resource, region)
    found = expiry(described, level)
    if found is not None:
        _add(ctx, found, f"{resource} expiry", region)


def _check_distribution(ctx: Context, distribution_id: str, level: float, checked: set[str]) -> None:
    region, resource = GLOBAL_METRICS_REGION, f"{distribution_id} certificate"
    try:
        answer = call(ctx.clients("cloudfront", region).get_distribution, Id=distribution_id)
    except LookupError:
        ctx.add(FAMILY, resource, region, FAIL, f"the distribution {distribution_id} does not exist: no certificate to read",
                "set cdn[].distribution_id to the distribution's id (aws cloudfront list-distributions)")
        return
    except Unavailable as error:
        ctx.unavailable(FAMILY, resource, region, error, "CloudFront GetDistribution",
                        f"aws cloudfront get-distribution --id {distribution_id}: its ViewerCertificate")
        return
    viewer = answer.get("Distribution", {}).get("DistributionConfig", {}).get("ViewerCertificate") or {}
    arn = viewer.get("ACMCertificateArn")
    if arn and arn not in checked:
        _check_certificate(ctx, arn, resource, level)
    elif arn:
        ctx.add(FAMILY, resource, region, PASS, f"{arn.rsplit('/', 1)[-1]}, checked above")
    elif viewer.get("IAMCertificateId"):
        ctx.unavailable(FAMILY, resource, region, Unavailable("an IAM server certificate, not ACM's"), "its expiry",
                        f"aws iam list-server-certificates: the Expiration of {viewer['IAMCertificateId']}")
    else:
        ctx.add(FAMILY, resource, region, PASS, "CloudFront's default certificate (*.cloudfront.net), renewed by AWS")
