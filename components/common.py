"""Cross-cutting decisions every component uses: tags, protection of stateful resources, naming.

Kept in one place so no component re-decides them (STYLE.md: "Cross-cutting decisions live once").
"""

from __future__ import annotations

import pulumi

from infra.estate import Estate

PACKAGE = "monitored-estate"


def type_token(module: str, name: str) -> str:
    """Component type tokens: ``monitored-estate:<module>:<Type>``."""
    return f"{PACKAGE}:{module}:{name}"


def estate_tags(estate: Estate, **extra: str) -> dict[str, str]:
    """Tags on every taggable resource: who owns it, which estate and environment, then specifics."""
    tags = {
        "organisation": estate.organisation,
        "environment": estate.environment,
        "managed-by": "pulumi",
        "project": PACKAGE,
        **estate.tags,
    }
    tags.update({key: value for key, value in extra.items() if value is not None})
    return dict(sorted(tags.items()))


def child(parent: pulumi.Resource, opts: pulumi.ResourceOptions | None = None, **kwargs) -> pulumi.ResourceOptions:
    """Options for a component's child: parented, merged with the caller's options."""
    base = pulumi.ResourceOptions(parent=parent, **kwargs)
    return pulumi.ResourceOptions.merge(base, opts) if opts else base


def stateful(parent: pulumi.Resource, opts: pulumi.ResourceOptions | None = None, **kwargs) -> pulumi.ResourceOptions:
    """Options for a resource holding data (bucket, cluster, cache, secret, backup): never lost by accident.

    ``protect`` makes ``pulumi destroy`` and replacements fail until someone unprotects it on purpose;
    ``retain_on_delete`` keeps the cloud resource even when it leaves the program.
    """
    return child(parent, opts, protect=True, retain_on_delete=True, **kwargs)
