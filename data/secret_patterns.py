"""The secret patterns: the one definition shared by the estate model and the secrets rules.

``data.model`` refuses a plaintext secret in a stack file with them, and the pack's secrets rules
judge rendered inputs with them. Values are recognised by detect-secrets' plugins (Yelp's well-kept
credential shapes: AWS, Stripe, Slack, GitHub, private keys, JWTs, credentials in URLs...), imported
on first use: the package costs a few hundred milliseconds to import. Only what detect-secrets lacks
is written here, each with why. No policy SDK here, so the estate model loads it without it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Names that look like secrets: such variables must be secret references, never plaintext, whatever
# their value (a weak `JWT_SECRET: changeme` is still a secret). Not detect-secrets' KeywordDetector:
# that judges an assignment in a source line (`password = "..."`, quoting rules per file type) and
# knows no `_URI`/`DSN` connection strings.
SECRET_NAME_PATTERN = re.compile(
    r"(SECRET|PASSWORD|PASSWD|_KEY$|^KEY$|API_KEY|PRIVATE|TOKEN|CREDENTIAL|^MONGODB_URI$|_URI$|DSN$)"
)
# A URI with [user]:password@. detect-secrets' BasicAuthDetector needs a user before the colon
# (`://[^...]+:([^...]+)@`), but Redis AUTH without an ACL user is written redis://:password@host:6379,
# so this pattern stays for the empty user (and for the pack's secrets-input-credential-uri rule).
SECRET_VALUE_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)
CREDENTIAL_URI = "credential URI"

DETECT_SECRETS_SOURCE = "https://github.com/Yelp/detect-secrets/tree/master/detect_secrets/plugins"
# detect-secrets plugins left out, and why (every other one runs, with its default settings).
LEFT_OUT_PLUGINS = {
    "KeywordDetector": "judges a source line's assignment; names are judged by SECRET_NAME_PATTERN",
    "Base64HighEntropyString": "flags the identifiers an estate holds on purpose (VPC, subnet, certificate ids)",
    "HexHighEntropyString": "flags the identifiers an estate holds on purpose (VPC, subnet, certificate ids)",
    "IPPublicDetector": "a public address is no secret (access lists hold NAT egress addresses)",
}


@functools.cache
def _detectors() -> tuple[Any, ...]:
    """One instance of each regex-based detect-secrets plugin kept, in a stable order."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    classes = get_mapping_from_secret_type_to_class().values()
    kept = [cls for cls in classes if issubclass(cls, RegexBasedDetector) and cls.__name__ not in LEFT_OUT_PLUGINS]
    return tuple(cls() for cls in sorted(kept, key=lambda cls: cls.__name__))


def secret_kind(value: str) -> str | None:
    """What credential ``value`` holds (detect-secrets' ``secret_type``, e.g. ``Stripe Access Key``), or None."""
    for detector in _detectors():
        for _ in detector.analyze_string(value):
            return detector.secret_type
    return CREDENTIAL_URI if SECRET_VALUE_PATTERN.search(value) else None


def with_article(kind: str) -> str:
    """``a Stripe Access Key``, ``an AWS Access Key``."""
    return f"{'an' if kind[:1].upper() in 'AEIOU' else 'a'} {kind}"


def looks_secret(name: str, value: str | None = None) -> bool:
    """True for a variable whose name or value says it is a credential."""
    if SECRET_NAME_PATTERN.search(name.upper()):
        return True
    return bool(value) and secret_kind(value) is not None
