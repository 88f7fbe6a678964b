"""``estate cost``: the estimated monthly cost of a render, and what a change does to it.

- ``estimate(render) -> CostEstimate``: lines by service and family (quantity, unit price, monthly USD,
  the price's source), from the catalogue's offline price table (data/catalogue/prices.py); what it
  cannot price is listed, never guessed;
- ``cost_delta(base, head) -> CostDelta`` and ``delta_markdown(delta) -> str``: the change of a pull
  request by service and family, as a short section for the ``estate diff`` comment;
- ``output``: the command's formats (rich table, markdown, JSON).

The package imports no Pulumi module: the policy pack's cost rule uses the same estimator.
"""

from tools.cost.delta import CostDelta, DeltaRow, cost_delta, delta_markdown
from tools.cost.estimate import ESTATE, CostEstimate, CostLine, estimate
from tools.cost.resources import Resource, from_policy_resources, from_render

__all__ = [
    "ESTATE", "CostDelta", "CostEstimate", "CostLine", "DeltaRow", "Resource", "cost_delta", "delta_markdown", "estimate",
    "from_policy_resources", "from_render",
]
