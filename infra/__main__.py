"""Entry point of the Pulumi program (``main: infra/`` in Pulumi.yaml).

The Pulumi CLI runs this file with the project root as working directory and only ``infra/`` on
``sys.path``; the project root is added so ``infra`` and ``components`` import as packages whether
or not the project is installed in the virtualenv. A wrong stack config stops here with one line
per problem and no resource registered (``pulumi.RunError`` prints without a traceback).
"""

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import pulumi  # noqa: E402

from data.config import EstateConfigError, estate_from_pulumi_config  # noqa: E402
from infra.program import declare_estate  # noqa: E402

try:
    estate = estate_from_pulumi_config()
except EstateConfigError as error:
    raise pulumi.RunError("invalid stack configuration:\n" + str(error)) from None

declare_estate(estate)
