"""Atlas: the access list lets the NAT gateways in.

The services (and the index job, which issue 10 #1 moves behind the NAT) reach Atlas from the NAT
gateways' public addresses, found by the network check (the NAT gateways the private subnets route
through). Two results:

- ``atlas.access_list`` (declared): each NAT address is inside an entry of the stack file's
  ``atlas.access_list`` (what ``pulumi up`` applies);
- the project's live access list, through the Atlas Admin API (digest authentication with
  ``MONGODB_ATLAS_PUBLIC_KEY`` / ``MONGODB_ATLAS_PRIVATE_KEY``, base URL ``MONGODB_ATLAS_BASE_URL``, as the
  Atlas provider reads them). Without the keys it is not checkable. A project that does not exist yet
  is created by ``pulumi up`` with the declared list.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request

from tools.preflight.network import NAT_MEMO, network
from tools.preflight.registry import Context, check

DEFAULT_BASE_URL = "https://cloud.mongodb.com/"
ACCEPT = "application/vnd.atlas.2023-01-01+json"
KEY_VARS = ("MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY")


class AtlasError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class AtlasAdmin:
    """A read-only Atlas Admin API v2 client (GET only), digest authentication."""

    def __init__(self, public_key: str, private_key: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 15):
        self.base = base_url.rstrip("/") + "/api/atlas/v2"
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, base_url, public_key, private_key)
        self._opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
        self._timeout = timeout

    def get(self, path: str, **query) -> dict:
        url = self.base + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(url, headers={"Accept": ACCEPT}, method="GET")
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as error:
            try:
                body = json.loads(error.read().decode("utf-8") or "{}")
            except (ValueError, UnicodeDecodeError):
                body = {}
            raise AtlasError(error.code, body.get("errorCode") or body.get("detail") or error.reason) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise AtlasError(0, f"cannot reach the Atlas Admin API ({getattr(error, 'reason', error)})") from None

    def project_id(self, name: str) -> str | None:
        try:
            return self.get(f"/groups/byName/{urllib.parse.quote(name, safe='')}")["id"]
        except AtlasError as error:
            if error.status == 404:
                return None
            raise

    def access_list(self, project_id: str) -> list[str]:
        entries, page = [], 1
        while True:
            answer = self.get(f"/groups/{project_id}/accessList", itemsPerPage=500, pageNum=page)
            results = answer.get("results", [])
            entries += [e.get("cidrBlock") or f"{e['ipAddress']}/32" for e in results if e.get("cidrBlock") or e.get("ipAddress")]
            if not results or len(entries) >= int(answer.get("totalCount", len(entries))):
                return entries
            page += 1


def _inside(address: str, cidrs: list[str]) -> bool:
    ip = ipaddress.ip_address(address)
    for cidr in cidrs:
        try:
            if ip in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue
    return False


@check("atlas", "the Atlas access list contains the NAT gateways' public addresses")
def atlas(ctx: Context):
    spec = ctx.estate.atlas
    if spec is None:
        return
    where = "atlas"
    if NAT_MEMO not in ctx.memo:  # run alone: find the NAT gateways the way the network check does
        for _ in network(ctx):
            pass
    nats = ctx.memo.get(NAT_MEMO)
    declared = [entry.cidr for entry in spec.access_list]
    if not nats:
        yield ctx.unchecked("atlas", "atlas.access_list", ctx.region,
                            "the NAT gateways' addresses are unknown (the network check found no NAT route)",
                            "fix the network first; then list each NAT gateway's Elastic IP as a /32")
    else:
        missing = [(nat, ip) for nat, ip, _ in nats if not _inside(ip, declared)]
        if missing:
            yield ctx.failed("atlas", "atlas.access_list", ctx.region,
                             "does not contain " + ", ".join(f"{ip} ({nat})" for nat, ip in missing)
                             + ": the services behind that NAT cannot reach the cluster",
                             "add " + ", ".join(f"{{cidr: {ip}/32, comment: NAT gateway {nat}}}" for nat, ip in missing)
                             + " to atlas.access_list")
        else:
            yield ctx.passed("atlas", "atlas.access_list", ctx.region,
                             "contains " + ", ".join(ip for _, ip, _ in nats))
    keys = [ctx.env.get(var, "") for var in KEY_VARS]
    subject = f"project {spec.project}"
    if not all(keys):
        yield ctx.unchecked("atlas", subject, where, "not checkable: the Atlas Admin API keys are not given",
                            f"set the keys: {' and '.join(KEY_VARS)} (a read-only project key is enough)")
        return
    admin = AtlasAdmin(*keys, base_url=ctx.env.get("MONGODB_ATLAS_BASE_URL") or DEFAULT_BASE_URL)
    try:
        project_id = admin.project_id(spec.project)
        live = admin.access_list(project_id) if project_id else None
    except AtlasError as error:
        yield ctx.unchecked("atlas", subject, where, f"the Atlas Admin API answered {error.status or 'nothing'}: {error}",
                            "check the keys (organisation or project read access) and the network path to Atlas")
        return
    if live is None:
        yield ctx.passed("atlas", subject, where, "the project does not exist yet: `pulumi up` creates it with atlas.access_list")
        return
    if not nats:
        yield ctx.unchecked("atlas", subject, where, f"live access list read ({len(live)} entries); NAT addresses unknown",
                            "fix the network first")
        return
    missing = [(nat, ip) for nat, ip, _ in nats if not _inside(ip, live)]
    if missing:
        yield ctx.failed("atlas", subject, where,
                         "the live access list lacks " + ", ".join(f"{ip} ({nat})" for nat, ip in missing),
                         "declare them in atlas.access_list (pulumi up adds them) or add them in Atlas"
                         " (Network Access) before the services or the index job connect")
    else:
        yield ctx.passed("atlas", subject, where, "the live access list contains " + ", ".join(ip for _, ip, _ in nats))
