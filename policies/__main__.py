"""Entry point of the policy pack (``pulumi preview --policy-pack policies``).

Constructing ``PolicyPack`` starts the analyzer's gRPC server and blocks, so this file does nothing
else; the rules live in ``rules`` (``policies.rules`` from the project), where ``estate check`` runs
the same objects in-process. Levels: each rule's own (see rules/base.py), overridable with
``--policy-pack-config``.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from rules import ALL_POLICIES, PACK_NAME

PolicyPack(name=PACK_NAME, policies=ALL_POLICIES, enforcement_level=EnforcementLevel.ADVISORY)
