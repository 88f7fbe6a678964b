"""The secret patterns: the one definition shared by the estate model and the secrets rules.

``infra.estate`` refuses a plaintext secret in a stack file with them, and the pack's secrets rules
judge rendered inputs with them. This module imports nothing but ``re``, so the estate model loads
it without the policy SDK (``policies.rules`` loads its rules only when the pack is asked for).
"""

from __future__ import annotations

import re

# Names that look like secrets: such variables must be secret references, never plaintext.
SECRET_NAME_PATTERN = re.compile(
    r"(SECRET|PASSWORD|PASSWD|_KEY$|^KEY$|API_KEY|PRIVATE|TOKEN|CREDENTIAL|^MONGODB_URI$|_URI$|DSN$)"
)
# Values that carry credentials whatever their name: a URI with [user]:password@. The user may be
# empty: redis://:password@host:6379 is how Redis AUTH (no ACL user) is written.
SECRET_VALUE_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)


def looks_secret(name: str, value: str | None = None) -> bool:
    """True for a variable whose name or value says it is a credential."""
    if SECRET_NAME_PATTERN.search(name.upper()):
        return True
    return bool(value and SECRET_VALUE_PATTERN.search(value))
