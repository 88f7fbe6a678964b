"""Secret references resolved into Secrets Manager / SSM ARNs (and values where AWS needs them).

The stack file only says where a secret lives (``data.model.SecretRef``); this component declares
the Secrets Manager containers (protected) of the values the program owns, stores generated and
Pulumi-config secrets in them, and hands out ARNs for Elastic Beanstalk's ``environmentsecrets``
namespace. Values stay Pulumi secrets.

Elastic Beanstalk reads ``environmentsecrets`` at instance bootstrap only
(https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.secrets.env-vars.html): a reader must
depend on the ``SecretVersion`` holding the value (``version``), not only on the container. Secrets
operators set (``secrets_manager:``) are *referenced* (``aws.secretsmanager.get_secret``): they must
exist with a value before ``pulumi up`` (``estate preflight`` checks it), and the program never
creates them empty.

With ``disaster_recovery.secrets`` every secret the program creates gets a replica in the DR region
(issue 11): the DR stack reads it there under the same name (a ``secrets_manager:`` reference), so no value
is escrowed by hand. Operator-set secrets are not the program's: operators replicate them, and
``estate verify`` reports each one's replica (data.catalogue.secretsmanager).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.common import child, estate_tags, stateful, type_token
from data.model import Estate, SecretRef
from data.model.base import secret_refs


@dataclass
class SecretStoreArgs:
    """Where the estate's secrets live: the name prefix, the region (SSM ARNs), the tags, and the regions
    every secret the program creates is replicated to (the DR region, issue 11)."""

    prefix: str  # ``<organisation>/<environment>``: every secret the program creates is named under it
    region: str
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    replica_regions: tuple[str, ...] = ()
    # The operator-set secrets (``secrets_manager:`` references) the estate reads, which operators replicate to
    # ``replica_regions`` themselves: recorded on the component for ``estate verify`` (issue 11).
    referenced: tuple[str, ...] = ()

    @classmethod
    def from_estate(cls, estate: Estate) -> SecretStoreArgs:
        dr = estate.disaster_recovery
        referenced = sorted({ref.secrets_manager for _, ref in secret_refs(estate) if ref.secrets_manager})
        return cls(prefix=f"{estate.organisation}/{estate.environment}", region=estate.region,
                   tags=partial(estate_tags, estate), replica_regions=(dr.region,) if dr is not None and dr.secrets else (),
                   referenced=tuple(referenced))


class SecretStore(pulumi.ComponentResource):
    """One place that turns ``SecretRef`` into ARNs; each secret is declared once, however often used."""

    def __init__(self, name: str, args: SecretStoreArgs, opts: pulumi.ResourceOptions | None = None):
        # The component's inputs say where the secrets must also exist: the replica regions, and the operator-set
        # secrets read (their replicas are the operators'); ``estate verify`` reads them from the render.
        props = {"replicaRegions": list(args.replica_regions), "referencedSecrets": list(args.referenced)} if args.replica_regions else None
        super().__init__(type_token("secrets", "SecretStore"), name, props, opts)
        self._args = args
        self._prefix = args.prefix
        self._secrets: dict[str, aws.secretsmanager.Secret] = {}
        self._values: dict[str, pulumi.Output[str]] = {}
        self._versions: dict[str, aws.secretsmanager.SecretVersion] = {}  # by secret name
        self._existing: dict[str, pulumi.Output[str]] = {}  # operator-set secrets' ARNs, by name
        self._caller = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        self.register_outputs({})

    def secret_name(self, owner: str, key: str) -> str:
        """Name of a secret the program creates: ``<org>/<env>/<owner>/<key-in-kebab-case>``."""
        return f"{self._prefix}/{owner}/{key.lower().replace('_', '-')}"

    def arn(self, owner: str, key: str, ref: SecretRef) -> pulumi.Output[str]:
        """The ARN a service reads the secret from."""
        if ref.ssm is not None:
            parameter = ref.ssm.lstrip("/")
            return pulumi.Output.format(
                "arn:aws:ssm:{0}:{1}:parameter/{2}", self._args.region, self._caller.account_id, parameter
            )
        if ref.secrets_manager is not None:
            return self._existing_arn(ref.secrets_manager)
        return self._container(owner, key, ref).arn

    def version(self, owner: str, key: str, ref: SecretRef | None = None) -> aws.secretsmanager.SecretVersion | None:
        """The ``SecretVersion`` holding the value of a secret the program owns (generated, from config,
        or ``store``d: ``ref`` None), for readers to depend on; None for operator-set and SSM secrets,
        which exist before the ``up``."""
        if ref is not None:
            if ref.secrets_manager is not None or ref.ssm is not None:
                return None
            self._container(owner, key, ref)
        return self._versions.get(self.secret_name(owner, key))

    def value(self, owner: str, key: str, ref: SecretRef) -> pulumi.Output[str]:
        """The secret value itself, as a Pulumi secret (for inputs such as an ElastiCache AUTH token)."""
        cache_key = self._cache_key(owner, key, ref)
        if ref.ssm is None and ref.secrets_manager is None:
            self._container(owner, key, ref)
        if cache_key not in self._values:
            if ref.secrets_manager is not None:
                version = aws.secretsmanager.get_secret_version_output(
                    secret_id=self._existing_arn(ref.secrets_manager), opts=pulumi.InvokeOutputOptions(parent=self)
                )
                self._values[cache_key] = pulumi.Output.secret(version.secret_string)
            elif ref.ssm is not None:
                parameter = aws.ssm.get_parameter_output(
                    name=ref.ssm, with_decryption=True, opts=pulumi.InvokeOutputOptions(parent=self)
                )
                self._values[cache_key] = pulumi.Output.secret(parameter.value)
        return self._values[cache_key]

    def store(self, owner: str, key: str, value: pulumi.Input[str], description: str) -> aws.secretsmanager.Secret:
        """Keep a value the program computes (an Atlas URI, a generated password) in Secrets Manager."""
        name = self.secret_name(owner, key)
        secret = self._declare(name, description, owner)
        self._versions[name] = aws.secretsmanager.SecretVersion(
            f"{name}-value",
            secret_id=secret.id,
            secret_string=pulumi.Output.secret(value),
            opts=child(self, depends_on=[secret]),
        )
        return secret

    def _cache_key(self, owner: str, key: str, ref: SecretRef) -> str:
        return ref.secrets_manager or ref.ssm or self.secret_name(owner, key)

    def _container(self, owner: str, key: str, ref: SecretRef) -> aws.secretsmanager.Secret:
        cache_key = self._cache_key(owner, key, ref)
        if cache_key in self._secrets:
            return self._secrets[cache_key]
        if ref.config is not None:
            value = pulumi.Config().require_secret(ref.config)
            secret = self.store(owner, key, value, f"{key} for {owner}, from Pulumi config '{ref.config}'")
        elif ref.generated is not None:
            password = random.RandomPassword(
                f"{self.secret_name(owner, key)}-random",
                length=ref.generated,
                special=False,
                opts=stateful(self),
            )
            secret = self.store(owner, key, password.result, f"{key} for {owner}, generated ({ref.generated} characters)")
            self._values[cache_key] = password.result
        else:  # ssm and operator-set secrets: nothing to declare
            raise ValueError("SSM and operator-set (secrets_manager) references have no container declared here")
        self._secrets[cache_key] = secret
        if ref.config is not None:
            self._values[cache_key] = pulumi.Config().require_secret(ref.config)
        return secret

    def _existing_arn(self, name: str) -> pulumi.Output[str]:
        """The full ARN (with its random suffix) of a secret operators created and filled."""
        if name not in self._existing:
            self._existing[name] = aws.secretsmanager.get_secret_output(
                name=name, opts=pulumi.InvokeOutputOptions(parent=self)
            ).arn
        return self._existing[name]

    def _declare(self, name: str, description: str, owner: str) -> aws.secretsmanager.Secret:
        if name not in self._secrets:
            self._secrets[name] = aws.secretsmanager.Secret(
                name,
                name=name,
                description=description,
                recovery_window_in_days=30,
                # A replica in the DR region: same name and value, readable there when this region is gone;
                # encrypted with that region's aws/secretsmanager key (data.catalogue.secretsmanager).
                replicas=[aws.secretsmanager.SecretReplicaArgs(region=region) for region in self._args.replica_regions] or None,
                tags=self._args.tags(service=owner),
                opts=stateful(self),
            )
        return self._secrets[name]
