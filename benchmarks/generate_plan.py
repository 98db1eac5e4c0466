"""Scale real plans to N resource changes, with injected risks and a ground-truth manifest.

The stack template is one `create` of every AWS resource type found in the fixture plans
(tests/data/plans/corpus: real `terraform show -json` output from public projects), values and
`after_unknown` masks as Terraform wrote them. Copy i of the stack lives in `module.stack_<i>`;
names are suffixed so addresses and bucket names stay unique. The mix of actions is realistic
(creates, updates, no-ops, a few deletes and replaces) and 30 % of the copies get risky settings
injected into created or updated resources; the manifest lists each injected risk with the
Checkov id that should flag it.

    python benchmarks/generate_plan.py --resources 10000 --out plan.json --manifest manifest.json
"""

from __future__ import annotations

import argparse
import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "plans" / "corpus"
Resource = dict[str, Any]
Injection = Callable[[Resource], None]


def _after(change: Resource) -> dict[str, Any]:
    after: dict[str, Any] = change["change"]["after"]
    return after


def _known(change: Resource, *keys: str) -> None:
    unknown = change["change"].get("after_unknown") or {}
    for key in keys:
        unknown.pop(key, None)
    change["change"]["after_unknown"] = unknown


def _set(change: Resource, **values: Any) -> None:
    _after(change).update(values)
    _known(change, *values)


def _sg_rule(port: int) -> Injection:
    def inject(change: Resource) -> None:
        _set(
            change,
            type="ingress",
            from_port=port,
            to_port=port,
            protocol="tcp",
            cidr_blocks=["0.0.0.0/0"],
            ipv6_cidr_blocks=None,
            description=None,
            self=False,
            prefix_list_ids=None,
        )
        change["change"]["after_unknown"]["security_group_id"] = True

    return inject


def _sg_inline(change: Resource) -> None:
    _set(
        change,
        ingress=[
            {
                "cidr_blocks": ["0.0.0.0/0"],
                "description": "ssh",
                "from_port": 22,
                "to_port": 22,
                "protocol": "tcp",
                "ipv6_cidr_blocks": [],
                "prefix_list_ids": [],
                "security_groups": [],
                "self": False,
            }
        ],
    )


def _instance_imds(change: Resource) -> None:
    _set(
        change,
        metadata_options=[{"http_endpoint": "enabled", "http_tokens": "optional", "http_put_response_hop_limit": 1}],
    )


def _lambda_secret(change: Resource) -> None:
    _set(
        change,
        environment=[
            {
                "variables": {
                    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                }
            }
        ],
    )


def _iam_admin(change: Resource) -> None:
    _set(
        change,
        policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )


# type -> (risk name, Checkov id, how to inject)
INJECTIONS: dict[str, list[tuple[str, str, Injection]]] = {
    "aws_s3_bucket": [("s3 public-read acl", "CKV_AWS_20", lambda c: _set(c, acl="public-read"))],
    "aws_security_group": [("sg ssh from world (inline)", "CKV_AWS_24", _sg_inline)],
    "aws_security_group_rule": [
        ("sg rule ssh from world", "CKV_AWS_24", _sg_rule(22)),
        ("sg rule rdp from world", "CKV_AWS_25", _sg_rule(3389)),
    ],
    "aws_ebs_volume": [("ebs unencrypted", "CKV_AWS_3", lambda c: _set(c, encrypted=False))],
    "aws_db_instance": [
        ("rds unencrypted", "CKV_AWS_16", lambda c: _set(c, storage_encrypted=False)),
        ("rds public", "CKV_AWS_17", lambda c: _set(c, publicly_accessible=True)),
    ],
    "aws_instance": [
        ("ec2 imdsv1", "CKV_AWS_79", _instance_imds),
        ("ec2 public ip", "CKV_AWS_88", lambda c: _set(c, associate_public_ip_address=True)),
    ],
    "aws_iam_policy": [("iam admin policy", "CKV_AWS_62", _iam_admin)],
    "aws_kms_key": [("kms no rotation", "CKV_AWS_7", lambda c: _set(c, enable_key_rotation=False))],
    "aws_lambda_function": [("lambda env secrets", "CKV_AWS_45", _lambda_secret)],
    "aws_ecr_repository": [("ecr mutable tags", "CKV_AWS_51", lambda c: _set(c, image_tag_mutability="MUTABLE"))],
}


def _load(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    document: dict[str, Any] = json.loads(data.decode(encoding))
    return document


def template() -> list[Resource]:
    """One created managed AWS resource of every type the fixture plans hold, first seen wins."""
    chosen: dict[str, Resource] = {}
    for path in sorted(CORPUS.glob("*.json")):
        for change in _load(path).get("resource_changes", []):
            if (
                change.get("mode") == "managed"
                and str(change.get("type", "")).startswith("aws_")
                and change["change"].get("actions") == ["create"]
                and isinstance(change["change"].get("after"), dict)
            ):
                chosen.setdefault(change["type"], change)
    stack = []
    for type_name, change in sorted(chosen.items()):
        stack.append(
            {
                "type": type_name,
                "name": change["name"],
                "provider_name": change.get("provider_name", "registry.terraform.io/hashicorp/aws"),
                "after": change["change"]["after"],
                "after_unknown": change["change"].get("after_unknown") or {},
                "after_sensitive": change["change"].get("after_sensitive") or {},
            }
        )
    return stack


def _suffix(values: dict[str, Any], copy_index: int) -> None:
    for key in ("bucket", "name", "function_name", "cluster_identifier", "identifier", "domain_name"):
        if isinstance(values.get(key), str) and values[key]:
            values[key] = f"{values[key]}-{copy_index}"


def generate(resources: int, seed: int = 7, risky_share: float = 0.3) -> tuple[dict[str, Any], list[dict[str, str]]]:
    rng = random.Random(seed)
    stack = template()
    changes: list[Resource] = []
    planned: dict[str, list[Resource]] = {}
    manifest: list[dict[str, str]] = []
    copy_index = 0
    while len(changes) < resources:
        module = f"module.stack_{copy_index}"
        risky = rng.random() < risky_share
        targets = set(rng.sample(sorted(INJECTIONS), k=5)) if risky else set()
        for spec in stack:
            if len(changes) >= resources:
                break
            address = f"{module}.{spec['type']}.{spec['name']}"
            after = copy.deepcopy(spec["after"])
            _suffix(after, copy_index)
            change: Resource = {
                "address": address,
                "module_address": module,
                "mode": "managed",
                "type": spec["type"],
                "name": spec["name"],
                "provider_name": spec["provider_name"],
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": after,
                    "after_unknown": copy.deepcopy(spec["after_unknown"]),
                    "before_sensitive": False,
                    "after_sensitive": copy.deepcopy(spec["after_sensitive"]),
                },
            }
            if spec["type"] in targets:
                risk, checkov_id, inject = rng.choice(INJECTIONS[spec["type"]])
                inject(change)
                manifest.append({"address": address, "risk": risk, "checkov_id": checkov_id})
            else:
                _vary_action(change, rng)
            if change["change"]["after"] is not None:
                planned.setdefault(module, []).append(
                    {
                        "address": address,
                        "mode": "managed",
                        "type": spec["type"],
                        "name": spec["name"],
                        "provider_name": spec["provider_name"],
                        "schema_version": 0,
                        "values": change["change"]["after"],
                        "sensitive_values": {},
                    }
                )
            changes.append(change)
        copy_index += 1
    document = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {
            "root_module": {
                "child_modules": [{"address": module, "resources": items} for module, items in planned.items()]
            }
        },
        "resource_changes": changes,
        "configuration": {"root_module": {}},
    }
    return document, manifest


def _vary_action(change: Resource, rng: random.Random) -> None:
    """Most changes create; some update, stay unchanged, get deleted or replaced."""
    body = change["change"]
    roll = rng.random()
    if roll < 0.60:
        return
    before = copy.deepcopy(body["after"])
    for key in list(body["after_unknown"]):
        before.setdefault(key, f"known-{key}")
    body["before"] = before
    body["before_sensitive"] = {}
    if roll < 0.80:
        body["actions"] = ["update"]
        tags = body["after"].get("tags")
        if tags is None or isinstance(tags, dict):
            body["after"]["tags"] = {**(tags or {}), "Revision": "2"}
    elif roll < 0.95:
        body["actions"] = ["no-op"]
        body["after"] = copy.deepcopy(before)
        body["after_unknown"] = {}
    elif roll < 0.98:
        body["actions"] = ["delete"]
        body["after"] = None
        body["after_unknown"] = {}
        change["action_reason"] = "delete_because_no_resource_config"
    else:
        body["actions"] = ["delete", "create"]
        body["replace_paths"] = [["name"]]
        change["action_reason"] = "replace_because_cannot_update"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--resources", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--manifest", type=Path)
    args = parser.parse_args()
    document, manifest = generate(args.resources, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document), encoding="utf-8")
    if args.manifest:
        args.manifest.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"{args.out}: {len(document['resource_changes'])} resource changes, {len(manifest)} injected risks")


if __name__ == "__main__":
    main()
