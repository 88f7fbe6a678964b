"""The CloudFront family: the signals of a watched distribution (``signals.py``) and what watches it
(``monitoring.py``)."""

from components.cdn.monitoring import CdnMonitoring, CdnMonitoringArgs

__all__ = ["CdnMonitoring", "CdnMonitoringArgs"]
