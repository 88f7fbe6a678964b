"""Pulumi's wire format (``pulumi.runtime.rpc``) decoded into the contract's plain JSON values.

Secrets become ``"[secret]"``, unknowns ``"[unknown]"``, resource references their URN, and integral
numbers (protobuf carries every number as a double) ints again.
"""

from __future__ import annotations

from typing import Any

SECRET = "[secret]"
UNKNOWN = "[unknown]"

# Signatures of Pulumi's wire format (pulumi.runtime.rpc), kept here so decoding needs no SDK call.
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _plain_number(value: float) -> int | float:
    """Protobuf carries every number as a double; integral ones go back to int ("integers stay integers")."""
    if value == value and value not in (float("inf"), float("-inf")) and float(value).is_integer():
        return int(value)
    return value


def _decode_value(value: Any) -> tuple[Any, bool]:
    """A ``struct_pb2.Value`` -> (plain value, is_null)."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        s = value.string_value
        return (UNKNOWN if s == _UNKNOWN_VALUE else s), False
    if kind == "number_value":
        return _plain_number(value.number_value), False
    if kind == "bool_value":
        return value.bool_value, False
    if kind == "struct_value":
        return _decode_struct(value.struct_value), False
    if kind == "list_value":
        return [_decode_value(item)[0] for item in value.list_value.values], False
    return None, True


def _decode_struct(struct: Any) -> Any:
    fields = struct.fields
    if _SIG in fields:
        sig = fields[_SIG].string_value
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return fields["urn"].string_value
        if sig == _OUTPUT_SIG:
            if fields.get("secret") is not None and fields["secret"].bool_value:
                return SECRET
            return _decode_value(fields["value"])[0] if "value" in fields else UNKNOWN
        if sig == _ASSET_SIG:
            return {"asset": {k: _decode_value(v)[0] for k, v in sorted(fields.items()) if k != _SIG}}
        if sig == _ARCHIVE_SIG:
            return {"archive": {k: _decode_value(v)[0] for k, v in sorted(fields.items()) if k != _SIG}}
    out = {}
    for key in sorted(fields):
        if key.startswith("__"):
            continue  # engine-internal (e.g. __defaults); a policy never sees them
        decoded, is_null = _decode_value(fields[key])
        if not is_null:  # the SDK treats null inputs as absent
            out[key] = decoded
    return out


def decode_properties(struct: Any) -> dict[str, Any]:
    """RegisterResource ``object`` -> plain inputs: secrets "[secret]", references as URNs, ints as ints."""
    decoded = _decode_struct(struct)
    return decoded if isinstance(decoded, dict) else {}


def provider_urn(reference: str) -> str | None:
    """A provider reference is ``<urn>::<id>``; the contract keeps the URN."""
    if not reference:
        return None
    return reference.rsplit("::", 1)[0]


def _is_asset(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("asset", "archive")


def without_markers(value: Any) -> Any:
    """Outputs echo inputs; "[secret]"/"[unknown]" markers and decoded assets/archives (no longer
    Asset objects the SDK would accept back) must not flow back as real values."""
    if isinstance(value, dict):
        return {k: without_markers(v) for k, v in value.items() if v not in (SECRET, UNKNOWN) and not _is_asset(v)}
    if isinstance(value, list):
        return [without_markers(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """Invoke arguments as plain JSON-like values (secrets unwrapped: they are only used to derive fakes)."""
    from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

    if is_rpc_secret(value):
        return plain(unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
