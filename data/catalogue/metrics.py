"""The ``Metric`` type: one CloudWatch metric as AWS documents it.

Each family's module (``data.catalogue.beanstalk``, ``...elasticache``...) declares its metrics as
``Metric`` constants; alarms, dashboard widgets, the metrics a family must publish and the policy
rules all read the same constant, so a namespace, a name or a unit is spelled once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A CloudWatch metric: where it lives, what it measures, how it is published, and where AWS says so.

    ``dimensions`` are the dimension names the estate addresses it by (in the order alarms and
    widgets give them); ``unit`` is CloudWatch's unit name (``Percent``, ``Count``, ``Seconds``,
    ``None``); ``period`` is the publishing period in seconds; ``published`` says when the metric
    exists at all (``always``, or what must be enabled first).
    """

    namespace: str
    name: str
    unit: str
    dimensions: tuple[str, ...]
    period: int
    source: str
    published: str = "always"
    description: str = ""
    note: str = ""

    def dimension_values(self, values: dict) -> dict:
        """The metric's own dimensions picked from ``values`` (which may hold more than it needs)."""
        missing = [name for name in self.dimensions if name not in values]
        if missing:
            raise KeyError(f"{self.namespace} {self.name} needs dimension(s) {', '.join(missing)}")
        return {name: values[name] for name in self.dimensions}

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)
