"""The estate's policy pack: the runbooks' checklists as Pulumi policies.

``policies/__main__.py`` is the pack's entry point for ``pulumi preview --policy-pack policies``;
the rules live in ``policies.rules`` so that ``estate check`` runs the very same objects offline.
"""
