"""Scale real plans to N resource changes, with injected risks and a ground-truth manifest.

The stack template is one `create` of every AWS resource type found in the fixture plans
(tests/data/plans/corpus: real `terraform show -json` output from public projects), values and
`after_unknown` masks as Terraform wrote them. Copy i of the stack lives in `module.stack_<i>`;
names are suffixed so addresses and bucket names stay unique, and `planned_values` holds every
resource that exists after the change under the same address (that is what Checkov reads).

The mix of actions is realistic: about 60 % creates, 20 % in-place updates (tags change, every
value known), 15 % no-ops, 3 % deletes and 2 % replaces. 30 % of the copies get risky settings
injected into six of their resources (created, or updated from a safe `before`); the manifest
lists each injected risk with its address and the Checkov id that should flag it.

With `prior_state=True` (`--prior-state`) the plan also holds a `prior_state`, as `terraform show -json PLANFILE`
writes one for any workspace with a state: every resource that exists before the change, its values (the
change's `before`), its sensitive mask and the `depends_on` Terraform records (here: the resources of its copy
before it in the stack, at most three). Without it the document is the one the figures were always taken on.

    python benchmarks/generate_plan.py --resources 10000 --out plan.json --manifest manifest.json
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import zlib
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
        if _after(change).get("security_group_id") is None:  # created: the group's id is known after apply
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


# A key pair of the real shape that is not AWS's documentation example (`AKIAIOSFODNN7EXAMPLE`, which tfreview
# judges a placeholder, rules/support/placeholders.py): made up here, it opens no account.
_ACCESS_KEY_ID = "AKIA4RW7JQ2M5XKD3TPB"
_SECRET_ACCESS_KEY = "q8Vf3kLz0RbT2nYw9HcJ5pXs7GdM1eUa6NoKiQtB"


def _lambda_secret(change: Resource) -> None:
    _set(
        change,
        environment=[{"variables": {"AWS_ACCESS_KEY_ID": _ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": _SECRET_ACCESS_KEY}}],
    )


def _iam_admin(change: Resource) -> None:
    _set(
        change,
        policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )


def _es_unencrypted(change: Resource) -> None:
    _set(change, encrypt_at_rest=[{"enabled": False, "kms_key_id": None}])


# type -> (risk name, Checkov id, how to inject)
INJECTIONS: dict[str, list[tuple[str, str, Injection]]] = {
    "aws_s3_bucket": [
        ("s3 public-read acl", "CKV_AWS_20", lambda c: _set(c, acl="public-read")),
        ("s3 public-read-write acl", "CKV_AWS_57", lambda c: _set(c, acl="public-read-write")),
    ],
    "aws_security_group": [("sg ssh from world (inline)", "CKV_AWS_24", _sg_inline)],
    "aws_security_group_rule": [
        ("sg rule ssh from world", "CKV_AWS_24", _sg_rule(22)),
        ("sg rule rdp from world", "CKV_AWS_25", _sg_rule(3389)),
    ],
    "aws_ebs_volume": [("ebs unencrypted", "CKV_AWS_3", lambda c: _set(c, encrypted=False))],
    "aws_db_instance": [
        ("rds unencrypted", "CKV_AWS_16", lambda c: _set(c, storage_encrypted=False)),
        ("rds public", "CKV_AWS_17", lambda c: _set(c, publicly_accessible=True)),
        ("rds no deletion protection", "CKV_AWS_293", lambda c: _set(c, deletion_protection=False)),
    ],
    "aws_instance": [
        ("ec2 imdsv1", "CKV_AWS_79", _instance_imds),
        ("ec2 public ip", "CKV_AWS_88", lambda c: _set(c, associate_public_ip_address=True)),
    ],
    "aws_iam_policy": [("iam admin policy", "CKV_AWS_62", _iam_admin)],
    "aws_kms_key": [("kms no rotation", "CKV_AWS_7", lambda c: _set(c, enable_key_rotation=False))],
    "aws_lambda_function": [("lambda env secrets", "CKV_AWS_45", _lambda_secret)],
    "aws_ecr_repository": [("ecr mutable tags", "CKV_AWS_51", lambda c: _set(c, image_tag_mutability="MUTABLE"))],
    "aws_elasticsearch_domain": [("es unencrypted at rest", "CKV_AWS_5", _es_unencrypted)],
}
INJECTED_PER_RISKY_COPY = 6

# Resources the corpus lacks but that link others (written from the provider documentation's shapes).
EXTRA: list[Resource] = [
    {
        "type": "aws_flow_log",
        "name": "vpc",
        "after": {"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs", "max_aggregation_interval": 600},
        "after_unknown": {"id": True, "arn": True, "vpc_id": True, "iam_role_arn": True, "log_destination": True},
    },
    {
        "type": "aws_s3_bucket_logging",
        "name": "b1",
        "after": {"target_prefix": "access/"},
        "after_unknown": {"id": True, "bucket": True, "target_bucket": True},
    },
    {
        "type": "aws_s3_bucket_versioning",
        "name": "b1",
        "after": {"versioning_configuration": [{"status": "Enabled", "mfa_delete": None}]},
        "after_unknown": {"id": True, "bucket": True},
    },
]
# (type, attribute, target type, target attribute): references inside one copy of the stack, as
# `vpc_id = aws_vpc.web_vpc.id` writes them (flow logs, bucket policies and logging, SG rules, LB listeners…)
LINKS: list[tuple[str, str, str, str]] = [
    ("aws_flow_log", "vpc_id", "aws_vpc", "id"),
    ("aws_subnet", "vpc_id", "aws_vpc", "id"),
    ("aws_route_table", "vpc_id", "aws_vpc", "id"),
    ("aws_internet_gateway", "vpc_id", "aws_vpc", "id"),
    ("aws_security_group", "vpc_id", "aws_vpc", "id"),
    ("aws_security_group_rule", "security_group_id", "aws_security_group", "id"),
    ("aws_route_table_association", "subnet_id", "aws_subnet", "id"),
    ("aws_route_table_association", "route_table_id", "aws_route_table", "id"),
    ("aws_s3_bucket_policy", "bucket", "aws_s3_bucket", "id"),
    ("aws_s3_bucket_acl", "bucket", "aws_s3_bucket", "id"),
    ("aws_s3_bucket_public_access_block", "bucket", "aws_s3_bucket", "id"),
    ("aws_s3_bucket_logging", "bucket", "aws_s3_bucket", "id"),
    ("aws_s3_bucket_logging", "target_bucket", "aws_s3_bucket", "id"),
    ("aws_s3_bucket_versioning", "bucket", "aws_s3_bucket", "id"),
    ("aws_lb_listener", "load_balancer_arn", "aws_lb", "arn"),
    ("aws_sns_topic_policy", "arn", "aws_sns_topic", "arn"),
    ("aws_eks_node_group", "cluster_name", "aws_eks_cluster", "name"),
    ("aws_route53_record", "zone_id", "aws_route53_zone", "zone_id"),
    ("aws_iam_role_policy", "role", "aws_iam_role", "name"),
]
LINKED_SHARE = 0.7  # the other copies leave these resources unlinked (a VPC without its flow log, …)
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
_IDENTIFIERS = ("id", "arn", "_name", "endpoint", "address")


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
    stack = [{**extra, "provider_name": AWS_PROVIDER, "after_sensitive": {}} for extra in EXTRA]
    stack = [spec for spec in stack if spec["type"] not in chosen]
    for type_name, change in sorted(chosen.items()):
        provider = str(change.get("provider_name") or AWS_PROVIDER)
        stack.append(
            {
                "type": type_name,
                "name": change["name"],
                # old plans wrote the bare name ("aws"); a format 1.2 plan writes the source address
                "provider_name": provider if "/" in provider else AWS_PROVIDER,
                "after": change["change"]["after"],
                "after_unknown": change["change"].get("after_unknown") or {},
                "after_sensitive": change["change"].get("after_sensitive") or {},
            }
        )
    return sorted(stack, key=lambda spec: str(spec["type"]))


def _link(stack: list[Resource], changes: list[Resource], module: str) -> None:
    """Point each linking attribute of this copy at its target, as Terraform plans it: unknown on create
    (the target's id is known after apply), else the target's known value."""
    by_type = {change["type"]: change for change in changes}
    for type_name, attribute, target_type, target_attribute in LINKS:
        source, target = by_type.get(type_name), by_type.get(target_type)
        if source is None or target is None:
            continue
        body = source["change"]
        if body["after"] is None:
            continue
        target_after = target["change"]["after"] or target["change"]["before"] or {}
        value = target_after.get(target_attribute)
        if body["actions"] == ["create"] or not isinstance(value, str):
            body["after"][attribute] = None
            body["after_unknown"][attribute] = True
        else:
            body["after"][attribute] = value
            body["after_unknown"].pop(attribute, None)
            if isinstance(body["before"], dict):
                body["before"][attribute] = value


def configuration(stack: list[Resource], linked: bool) -> dict[str, Any]:
    """One copy's module configuration: what the user wrote (the known values of the template's create)
    and, when `linked`, the references of LINKS, module-relative as Terraform writes them."""
    present = {spec["type"]: spec["name"] for spec in stack}
    resources = []
    for spec in stack:
        expressions: dict[str, Any] = {
            key: {"constant_value": value}
            for key, value in spec["after"].items()
            if value is not None and not isinstance(value, list | dict) and spec["after_unknown"].get(key) is not True
        }
        for type_name, attribute, target_type, target_attribute in LINKS if linked else ():
            if type_name == spec["type"] and target_type in present:
                target = f"{target_type}.{present[target_type]}"
                expressions[attribute] = {"references": [f"{target}.{target_attribute}", target]}
        resources.append(
            {
                "address": f"{spec['type']}.{spec['name']}",
                "mode": "managed",
                "type": spec["type"],
                "name": spec["name"],
                "provider_config_key": "aws",
                "expressions": expressions,
                "schema_version": 0,
            }
        )
    return {"resources": resources}


def _suffix(values: dict[str, Any], copy_index: int) -> None:
    for key in ("bucket", "name", "function_name", "cluster_identifier", "identifier", "domain_name"):
        if isinstance(values.get(key), str) and values[key]:
            values[key] = f"{values[key]}-{copy_index}"


def _known_values(after: dict[str, Any], unknown: Any, address: str) -> dict[str, Any]:
    """The values once applied: identifiers unknown at plan time get a plausible known value.

    Other computed attributes stay null rather than get a made-up value a rule could misread.
    """
    values = copy.deepcopy(after)
    if isinstance(unknown, dict):
        for key, mask in unknown.items():
            if mask is True and values.get(key) is None and key.endswith(_IDENTIFIERS):
                values[key] = f"{key}-{zlib.crc32(address.encode()):08x}"
    return values


def _action(rng: random.Random, injected: bool) -> str:
    """create 60 %, update 20 %, no-op 15 %, delete 3 %, replace 2 %; an injected risk is created or updated."""
    roll = rng.random()
    if injected:
        return "create" if roll < 0.75 else "update"
    for action, share in (("create", 0.60), ("update", 0.80), ("no-op", 0.95), ("delete", 0.98)):
        if roll < share:
            return action
    return "replace"


def _change(spec: Resource, module: str, copy_index: int, action: str) -> Resource:
    after = copy.deepcopy(spec["after"])
    _suffix(after, copy_index)
    unknown = copy.deepcopy(spec["after_unknown"])
    body: dict[str, Any] = {
        "actions": ["create"],
        "before": None,
        "after": after,
        "after_unknown": unknown,
        "before_sensitive": False,
        "after_sensitive": copy.deepcopy(spec["after_sensitive"]),
    }
    change: Resource = {
        "address": f"{module}.{spec['type']}.{spec['name']}",
        "module_address": module,
        "mode": "managed",
        "type": spec["type"],
        "name": spec["name"],
        "provider_name": spec["provider_name"],
        "change": body,
    }
    if action == "create":
        return change
    before = _known_values(after, unknown, change["address"])
    body["before"] = before
    body["before_sensitive"] = copy.deepcopy(spec["after_sensitive"])
    if action == "update":
        body["actions"] = ["update"]
        body["after"] = copy.deepcopy(before)
        body["after_unknown"] = {}
        tags = before.get("tags")
        if tags is None or isinstance(tags, dict):
            body["after"]["tags"] = {**(tags or {}), "Revision": "2"}
            if "tags_all" in before:
                body["after"]["tags_all"] = dict(body["after"]["tags"])
    elif action == "no-op":
        body["actions"] = ["no-op"]
        body["after"] = copy.deepcopy(before)
        body["after_unknown"] = {}
    elif action == "delete":
        body["actions"] = ["delete"]
        body["after"] = None
        body["after_unknown"] = {}
        body["after_sensitive"] = False
        change["action_reason"] = "delete_because_no_resource_config"
    else:  # replace: the name changes, which the provider cannot update in place
        body["actions"] = ["delete", "create"]
        if isinstance(after.get("name"), str):
            after["name"] += "-v2"
        body["replace_paths"] = [["name"]]
        change["action_reason"] = "replace_because_cannot_update"
    return change


def generate(
    resources: int, seed: int = 7, risky_share: float = 0.3, prior_state: bool = False
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A plan of `resources` resource changes and the manifest of the risks injected into it; with `prior_state`,
    the state before the change as well."""
    rng = random.Random(seed)
    stack = template()
    present = sorted(t for t in INJECTIONS if any(spec["type"] == t for spec in stack))
    changes: list[Resource] = []
    planned: dict[str, list[Resource]] = {}
    manifest: list[dict[str, str]] = []
    copy_index = 0
    module_configurations = {flag: configuration(stack, flag) for flag in (True, False)}
    calls: dict[str, Any] = {}
    while len(changes) < resources:
        module = f"module.stack_{copy_index}"
        risky = rng.random() < risky_share
        linked = rng.random() < LINKED_SHARE
        targets = set(rng.sample(present, k=min(INJECTED_PER_RISKY_COPY, len(present)))) if risky else set()
        calls[f"stack_{copy_index}"] = {"source": "./modules/stack", "module": module_configurations[linked]}
        first = len(changes)
        for spec in stack:
            if len(changes) >= resources:
                break
            injected = spec["type"] in targets
            change = _change(spec, module, copy_index, _action(rng, injected))
            if injected:
                risk, checkov_id, inject = rng.choice(INJECTIONS[spec["type"]])
                inject(change)
                manifest.append(
                    {
                        "address": change["address"],
                        "type": spec["type"],
                        "action": change["change"]["actions"][0],
                        "risk": risk,
                        "checkov_id": checkov_id,
                    }
                )
            if change["change"]["after"] is not None:
                planned.setdefault(module, []).append(
                    {
                        "address": change["address"],
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
        if linked:
            _link(stack, changes[first:], module)
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
        "configuration": {"provider_config": {"aws": {"name": "aws"}}, "root_module": {"module_calls": calls}},
    }
    if prior_state:
        document["prior_state"] = state_before(changes, "1.9.8")
    return document, manifest


def state_before(changes: list[Resource], terraform_version: str) -> dict[str, Any]:
    """The `prior_state` of a plan whose changes are `changes`: each resource with a `before`, by module."""
    modules: dict[str, list[Resource]] = {}
    for change in changes:
        before = change["change"]["before"]
        if before is None:
            continue
        existing = modules.setdefault(change["module_address"], [])
        existing.append(
            {
                "address": change["address"],
                "mode": change["mode"],
                "type": change["type"],
                "name": change["name"],
                "provider_name": change["provider_name"],
                "schema_version": 0,
                "values": before,
                "sensitive_values": {},
                "depends_on": [r["address"] for r in existing[-3:]],
            }
        )
    child_modules = [{"address": module, "resources": items} for module, items in modules.items()]
    return {
        "format_version": "1.0",
        "terraform_version": terraform_version,
        "values": {"root_module": {"resources": [], "child_modules": child_modules}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--resources", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--prior-state", action="store_true", help="add the state before the change")
    args = parser.parse_args()
    document, manifest = generate(args.resources, args.seed, prior_state=args.prior_state)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document), encoding="utf-8")
    if args.manifest:
        args.manifest.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"{args.out}: {len(document['resource_changes'])} resource changes, {len(manifest)} injected risks")


if __name__ == "__main__":
    main()
