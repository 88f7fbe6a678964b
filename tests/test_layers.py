"""The tree shows the architecture and data flows one way: data -> components -> program -> policies
and tools. The data layer (estate model, stack-file loader, catalogue of AWS facts) imports neither
Pulumi nor any other layer, so the policy pack and the tools read it without the SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_MODULES = sorted(
    ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (PROJECT_ROOT / "data").rglob("*.py")
)


def test_the_data_layer_imports_no_sdk_and_no_other_layer():
    assert "data.model" in DATA_MODULES and "data.config" in DATA_MODULES
    code = (
        "import importlib, sys\n"
        f"for name in {DATA_MODULES!r}: importlib.import_module(name)\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(roots & {'pulumi', 'pulumi_aws', 'pulumi_policy', 'grpc', 'components', 'infra', 'policies'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
