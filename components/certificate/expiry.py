"""The load balancers' certificate, watched (issue 10 #15): ``DaysToExpiry`` of the ACM certificate the
HTTPS listeners use, in the certificate's region (the load balancers'), from ``CERTIFICATE_SIGNALS``."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.alarms import AlarmFactory
from components.certificate.signals import SIGNALS as CERTIFICATE_SIGNALS
from components.common import type_token
from data.model import Network


@dataclass(frozen=True)
class CertificateExpiryArgs:
    owner: str  # the alarms' owner: ``<organisation>-<environment>-alb-certificate``
    network: Network
    alarms: AlarmFactory


class CertificateExpiry(pulumi.ComponentResource):
    """The certificate's alarms, one per declared level."""

    def __init__(self, name: str, args: CertificateExpiryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("certificate", "CertificateExpiry"), name, None, opts)
        self.alarms = []
        for signal in CERTIFICATE_SIGNALS:
            self.alarms += args.alarms.signal_alarms(
                self, args.owner, signal, getattr(args.network, signal.threshold_key),
                dimensions={"CertificateArn": args.network.certificate_arn},
            )
        self.register_outputs({})
