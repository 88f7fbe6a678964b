"""Buckets: each declared bucket name is free, or already ours; each standby bucket the stack reads exists.

``HeadBucket``: 404 the name is free (``pulumi up`` creates it); 403 the bucket exists in another
account (names are global: choose another); 200 it exists and this account may read it, which is
confirmed as ours by ``ListBuckets`` (another account's bucket can answer 200 when its policy lets us
in); the bucket's region is HeadBucket's ``x-amz-bucket-region``. A bucket that is already ours must
be imported into the stack (``pulumi import``), or `up` fails with BucketAlreadyOwnedByYou.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from tools.preflight.aws import Missing, Unavailable, call, error_code
from tools.preflight.registry import Context, check


@check("bucket", "bucket names are free or already ours; standby buckets exist")
def buckets(ctx: Context):
    """The stack's own buckets in its region; the standbys it reads (``standby: true``, created by the
    primary stack) must exist; the standbys it creates in the DR region (``disaster_recovery``) like its own."""
    recovery = ctx.estate.disaster_recovery
    wanted = [(b.name, ctx.region, b.standby) for b in ctx.estate.buckets]
    if recovery is not None:
        wanted += [(name, recovery.region, False)
                   for name in [*(r.standby for r in recovery.buckets), *([recovery.standby_logs] if recovery.standby_logs else [])]]
    owned: dict[str, set[str]] = {}
    for name, region, standby in wanted:
        yield from _judge(ctx, owned, name, region, standby)


def _judge(ctx: Context, owned: dict[str, set[str]], name: str, region: str, standby: bool):
    s3 = ctx.clients("s3", region)
    location = None
    try:
        answer = call(s3.head_bucket, Bucket=name, bare_404_is_missing=True)
        location = _bucket_region(answer)
    except Missing:
        if standby:
            yield ctx.failed("bucket", name, region, "the standby bucket does not exist: this stack reads it, the primary"
                             " stack's replication creates it", "run `pulumi up` on the primary stack (its"
                             " `disaster_recovery.buckets[].standby`), then `estate verify` there")
        else:
            yield ctx.passed("bucket", name, region, "the name is free: `pulumi up` creates it")
        return
    except Unavailable as error:
        yield ctx.unavailable("bucket", name, region, "HeadBucket", error, f"check it by hand: aws s3api head-bucket --bucket {name}")
        return
    except ClientError as error:
        code, status = error_code(error)
        if status in (301, 400, 403) or code in ("403", "Forbidden", "301", "PermanentRedirect"):
            if status == 403 or code in ("403", "Forbidden"):
                yield _taken(ctx, name, region, "belongs to another account (HeadBucket: 403)")
                return
            # 301/400: it exists in another region; ours or not, ListBuckets says.
            location = _bucket_region(getattr(error, "response", {}))
        else:
            raise
    if region not in owned:
        try:
            owned[region] = {b["Name"] for b in call(s3.list_buckets).get("Buckets", [])}
        except Unavailable as error:
            yield ctx.unavailable("bucket", name, region, "ListBuckets", error, "check by hand whether the bucket is this account's")
            return
    if name not in owned[region]:
        yield _taken(ctx, name, region, "exists and is not in this account's ListBuckets: another account owns it")
    elif location and location != region:
        yield ctx.failed("bucket", name, region, f"is ours but in {location}; the estate's buckets are in {region}",
                         "empty and delete it, then let `pulumi up` create it here, or choose another name")
    elif standby:
        yield ctx.passed("bucket", name, region, "the standby exists (created by the primary stack's replication): this stack reads it")
    else:
        yield ctx.passed("bucket", name, region, "already ours (in the stack's state, or to import with `pulumi import` before a first `pulumi up`)")


def _taken(ctx: Context, name: str, region: str, why: str):
    return ctx.failed("bucket", name, region, f"the name is taken: the bucket {why}",
                      "choose another name under buckets[].name (S3 names are global)")


def _bucket_region(response: dict) -> str | None:
    headers = (response or {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
    return (response or {}).get("BucketRegion") or headers.get("x-amz-bucket-region")
