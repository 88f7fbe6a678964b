"""The index job: applies the collections' declared indexes from inside the VPC (issue 10 #1).

``pulumi up`` runs on a GitHub-hosted runner, whose address is not in the Atlas access list (only the
NAT gateways' addresses are), so nothing may connect to the cluster from the program itself. Instead:

- a Lambda function (``index_handler.handler``, ``components/atlas/index_handler.py``) in the
  services' private subnets: its traffic leaves through the NAT gateways, whose addresses the access
  list admits. Its own security group has no ingress; egress to MongoDB (27017) and HTTPS (443,
  Secrets Manager through the NAT);
- least privilege: its role reads the services' MongoDB URI secrets (``secretsmanager:GetSecretValue``
  on those ARNs only), writes its own log group, and manages the network interfaces Lambda needs in a
  VPC (EC2 actions without resource-level permissions, hence ``*``, as AWS's
  AWSLambdaVPCAccessExecutionRole); its log group has a retention;
- one ``aws.lambda_.Invocation`` per collection, its input the index specification (database,
  collection, indexes, the URI secret's ARN; never the URI), ``lifecycle_scope: CRUD``: a changed
  specification re-invokes with the previous input (what an update may drop); the invocations are
  retained on delete, so a removal or a rename never invokes the function, whose ``delete`` would drop
  nothing anyway (``index_handler.handle``). Each invocation waits for the database
  user it connects as (#2), and the job retries "bad auth" for a bounded time;
- the code archive is built by the program on the machine running it (the CI runner, or an offline
  render), from the deploy environment's pymongo, bson, gridfs and dnspython, pure Python only (no
  compiled extension: the driver falls back to its Python implementation, so the archive does not
  depend on the runner's Python version or CPU): a zip with sorted entries and fixed timestamps, so
  the same installed versions give the same bytes and the same ``source_code_hash`` everywhere.

Pulumi-aws Invocation: https://www.pulumi.com/registry/packages/aws/api-docs/lambda/invocation/
(CREATE_ONLY invokes on create or replace only; CRUD on every lifecycle event with ``tf: {action,
prev_input}`` added to the input). Lambda in a VPC reaches the internet only through a NAT gateway:
https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components.atlas.index_handler import index_name
from components.common import child
from data.model import AtlasIndex

HANDLER_FILE = Path(__file__).with_name("index_handler.py")
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ARCHIVE = PROJECT_ROOT / "build" / "index-job.zip"
PACKAGES = ("pymongo", "bson", "gridfs", "dns")  # the driver and dnspython (mongodb+srv:// needs DNS SRV)
RUNTIME = "python3.12"
TIMEOUT_SECONDS = 600  # > AUTH_RETRY_SECONDS (300) plus the index builds; Lambda allows 900
MEMORY_MB = 256
LOG_RETENTION_DAYS = 30
MONGODB_PORT = 27017
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SKIPPED_SUFFIXES = (".so", ".pyd", ".pyc", ".pyi", ".c", ".h")


def index_spec(index: AtlasIndex) -> dict[str, Any]:
    """An ``AtlasIndex`` as the index job's input. Keys are an ordered list of pairs (a compound index's
    order matters, and Pulumi's wire format does not keep a mapping's key order)."""
    keys = [[field, int(direction)] for field, direction in index.keys.items()]
    spec: dict[str, Any] = {"name": index_name(keys), "keys": keys, "unique": index.unique, "sparse": index.sparse}
    if index.expire_after_seconds is not None:
        spec["expireAfterSeconds"] = index.expire_after_seconds
    return spec


def _package_files(package: str) -> list[tuple[str, Path]]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the index job needs {package} installed where the program runs (make install)")
    root = Path(next(iter(spec.submodule_search_locations)))
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in _SKIPPED_SUFFIXES:
            continue
        files.append((f"{package}/{path.relative_to(root).as_posix()}", path))
    return files


def build_archive(destination: Path = ARCHIVE) -> Path:
    """The function's code: ``index_handler.py`` at the root and the pure-Python driver, byte for byte
    the same for the same installed versions (sorted entries, fixed dates and modes)."""
    entries = [("index_handler.py", HANDLER_FILE)]
    for package in PACKAGES:
        entries += _package_files(package)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    content = buffer.getvalue()
    if destination.exists() and destination.read_bytes() == content:
        return destination
    # Several renders may build at once (tests, a CLI run): each writes its own file, then renames.
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".index-job-", suffix=".zip")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, destination)
    return destination


def archive_hash(path: Path) -> str:
    """Lambda's ``source_code_hash``: base64 of the archive's SHA-256."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def _relative(path: Path) -> str:
    """The archive's path relative to where the program runs (the project root, for the CLI, CI and
    Pulumi alike), so renders do not carry the machine's absolute paths."""
    return os.path.relpath(path, os.getcwd())


def job_policy(secret_arns: list[str], log_group_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReadMongoUris", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": sorted(secret_arns)},
                {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{log_group_arn}:*"},
                {
                    "Sid": "VpcNetworkInterfaces",  # no resource-level permissions for these (AWSLambdaVPCAccessExecutionRole)
                    "Effect": "Allow",
                    "Action": [
                        "ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                        "ec2:DescribeNetworkInterfaces", "ec2:UnassignPrivateIpAddresses",
                    ],
                    "Resource": "*",
                },
            ],
        },
        sort_keys=True,
    )


class IndexJob:
    """The function, its role, security group and log group; ``apply`` declares one collection's invocation."""

    def __init__(self, parent: pulumi.Resource, name: str, *, vpc_id: str, subnet_ids: list[str],
                 secret_arns: list[pulumi.Input[str]], tags: dict[str, str]):
        self._parent = parent
        archive = build_archive()
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/aws/lambda/{name}", retention_in_days=LOG_RETENTION_DAYS, tags=tags, opts=child(parent),
        )
        role = aws.iam.Role(
            name,
            name=name,
            description="The Atlas index job: reads the MongoDB URI secrets, applies the declared indexes",
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }, sort_keys=True),
            tags=tags,
            opts=child(parent),
        )
        policy = aws.iam.RolePolicy(
            name,
            role=role.id,
            policy=pulumi.Output.all(pulumi.Output.all(*secret_arns), self.log_group.arn).apply(
                lambda args: job_policy(list(args[0]), args[1])
            ),
            opts=child(parent),
        )
        group = aws.ec2.SecurityGroup(
            name,
            name=name,
            description="Atlas index job: no ingress; egress to MongoDB and HTTPS through the NAT",
            vpc_id=vpc_id,
            egress=[
                aws.ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=MONGODB_PORT, to_port=MONGODB_PORT,
                                                cidr_blocks=["0.0.0.0/0"], description="MongoDB Atlas (access list: the NAT addresses)"),
                aws.ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443,
                                                cidr_blocks=["0.0.0.0/0"], description="Secrets Manager"),
            ],
            tags=tags,
            opts=child(parent),
        )
        self.function = aws.lambda_.Function(
            name,
            name=name,
            description="Applies the Atlas collections' declared indexes from inside the VPC (never drops on delete)",
            role=role.arn,
            runtime=RUNTIME,
            handler="index_handler.handler",
            code=pulumi.FileArchive(_relative(archive)),
            source_code_hash=archive_hash(archive),
            timeout=TIMEOUT_SECONDS,
            memory_size=MEMORY_MB,
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(subnet_ids=sorted(subnet_ids), security_group_ids=[group.id]),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=self.log_group.name),
            tags=tags,
            opts=child(parent, depends_on=[policy, self.log_group]),
        )

    def apply(self, name: str, *, database: str, collection: str, indexes: list[dict[str, Any]],
              uri_secret_arn: pulumi.Input[str], depends_on: list[pulumi.Resource]) -> aws.lambda_.Invocation:
        payload = pulumi.Output.all(uri_secret_arn).apply(lambda args: json.dumps(
            {"uriSecretArn": args[0], "database": database, "collection": collection, "indexes": indexes}, sort_keys=True,
        ))
        return aws.lambda_.Invocation(
            name,
            function_name=self.function.name,
            input=payload,
            lifecycle_scope="CRUD",
            # Retained: removing or renaming it never even invokes the delete (which drops nothing anyway).
            opts=child(self._parent, depends_on=[self.function, *depends_on], retain_on_delete=True),
        )
