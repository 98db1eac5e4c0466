"""A `Hit` built by its plain-store `__new__` behaves as the frozen dataclass it is, and a security group's ingress
is read once per snapshot by the four public-port rules, each judging its own copy of a resource (ADR 0464)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, fields, replace

import pytest

from tfreview.core.evidence import _compact
from tfreview.core.redact import REDACTED
from tfreview.core.rules import Hit, Resource, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules import find_rule
from tfreview.rules.support import network

PUBLIC_PORT_RULES = ("TFR-AWS-012", "TFR-AWS-013", "TFR-AWS-014", "TFR-AWS-015")  # ssh, rdp, http, all ports


def test_a_hit_is_the_frozen_dataclass_it_was() -> None:
    hit = Hit("ingress.0.cidr_blocks", "open", ["0.0.0.0/0"], severity=Severity.HIGH, unset=True, also=("CKV_X",))
    assert type(hit) is Hit
    assert (hit.path, hit.message, hit.value, hit.address, hit.severity, hit.unset, hit.also) == (
        "ingress.0.cidr_blocks",
        "open",
        ["0.0.0.0/0"],
        None,
        Severity.HIGH,
        True,
        ("CKV_X",),
    )
    assert Hit() == Hit("", None, None, None, None, False, ())
    assert Hit("a", "m") == Hit(path="a", message="m")
    assert Hit("a") != Hit("b")
    as_tuple: object = ("a", None, None, None, None, False, ())
    assert Hit("a") != as_tuple  # not a tuple
    assert hash(Hit("a", unset=True)) == hash(Hit("a", unset=True))
    assert len({Hit("a"), Hit("a"), Hit("b")}) == 2
    with pytest.raises(FrozenInstanceError):
        hit.path = "elsewhere"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del hit.message
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        Hit(bogus=1)  # type: ignore[call-arg]
    assert replace(hit, message="changed") == Hit(hit.path, "changed", hit.value, None, Severity.HIGH, True, ("CKV_X",))
    assert copy.copy(hit) == hit
    assert copy.deepcopy(hit) == hit
    assert pickle.loads(pickle.dumps(hit)) == hit
    # `apart` (ADR 0730): a hit's words about the statements a leading rule reports, for one cause, one finding
    assert [f.name for f in fields(Hit)] == [
        "path",
        "message",
        "value",
        "address",
        "severity",
        "unset",
        "also",
        "apart",
    ]
    assert repr(Hit("p")) == (
        "Hit(path='p', message=None, value=None, address=None, severity=None, unset=False, also=(), apart=())"
    )


def test_evidence_is_compacted_as_json_dumps_did() -> None:
    assert _compact({"b": [1, 2.5, None], "a": "é"}) == '{"a":"\\u00e9","b":[1,2.5,null]}'
    assert _compact({"when": Severity.HIGH}) == '{"when":"high"}'
    assert _compact({1: "x", "y": 2}) == REDACTED  # keys json cannot sort: as json.dumps raised


def _group(name: str, ports: tuple[int, int], protocol: str = "tcp") -> Resource:
    block = {"cidr_blocks": ["0.0.0.0/0"], "protocol": protocol, "from_port": ports[0], "to_port": ports[1]}
    return Resource(f"aws_security_group.{name}", "aws_security_group", name, {"ingress": [block]})


def test_ingress_is_read_once_per_resource_and_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = network.ingress_of

    def counted(resource: Resource) -> object:
        reads.append(resource.address)
        return real(resource)

    monkeypatch.setattr(network, "ingress_of", counted)
    wide = _group("wide", (0, 65535), "-1")
    narrow = _group("narrow", (443, 443))
    snapshot = Snapshot([wide, narrow])
    found: dict[str, list[str]] = {}
    for rule_id in PUBLIC_PORT_RULES:
        rule = find_rule(rule_id)
        assert rule is not None
        assert rule.check is not None
        for resource in (wide, narrow):
            found.setdefault(rule_id, []).extend(
                f"{resource.address} {hit.path}" for hit in rule.check(resource, snapshot)
            )
    assert reads == ["aws_security_group.wide", "aws_security_group.narrow"]
    assert found == {rule_id: ["aws_security_group.wide ingress.0.cidr_blocks"] for rule_id in PUBLIC_PORT_RULES}
    # a copy of a resource under the same address (the conditional-block pass) is read for itself
    variant = replace(narrow, values={"ingress": [{**narrow.values["ingress"][0], "from_port": 22, "to_port": 22}]})
    ssh = find_rule("TFR-AWS-012")
    assert ssh is not None
    assert ssh.check is not None
    assert [hit.path for hit in ssh.check(variant, snapshot)] == ["ingress.0.cidr_blocks"]
    assert [hit.path for hit in ssh.check(narrow, snapshot)] == []
    assert reads[2:] == ["aws_security_group.narrow"]
