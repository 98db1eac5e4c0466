"""An OpenSearch domain should be reached through security groups of its own, not the VPC's default one."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    options = resource.get("vpc_options")
    setting = resource.setting_of("vpc_options", options)
    if setting is Setting.UNKNOWN:
        return  # written, but not known until apply (a `dynamic` block, a module's input)
    if setting is Setting.UNSET:
        # a public domain: no security group at all; a facet of TFR-AWS-132's finding (ADR 0281)
        yield Hit(
            "vpc_options", "not in a VPC: no security group of its own restricts who reaches the domain", unset=True
        )
        return
    for index in range(len(resource.blocks("vpc_options"))):
        path = f"vpc_options.{index}.security_group_ids"
        if resource.setting_of(path, resource.get(path)) is Setting.UNSET:
            message = "no security_group_ids: the domain's VPC endpoints get the VPC's default security group"
            yield Hit(path, message, unset=True)


RULE = Rule(
    id="TFR-AWS-257",
    long_id="aws-opensearch-own-security-group",
    title="OpenSearch domain is not behind a security group of its own",
    severity=Severity.LOW,
    provider="aws",
    category="networking",
    resource_types=("aws_opensearch_domain", "aws_elasticsearch_domain"),
    remediation="Create a security group for the domain that admits HTTPS (443) only from the clients' security "
    "groups, and list it in `vpc_options { security_group_ids = [aws_security_group.search.id] }`.",
    description="When `vpc_options` gives no `security_group_ids`, OpenSearch Service attaches the VPC's default "
    "security group to the domain's endpoints (AWS OpenSearch Service API, `VPCOptions.SecurityGroupIds`; the "
    "provider sets no default). The default group admits all traffic from every other member of that group and "
    "is shared by whatever else was launched without a group, so the domain's reachability depends on unrelated "
    "resources and on rules nobody wrote for it; CIS asks that the default group restrict all traffic "
    "(TFR-AWS-016), which would instead cut the domain off. A domain without `vpc_options` has no security group "
    "at all: its endpoint is public, which is TFR-AWS-132's finding, and there this one is a facet of it (one "
    "cause, one finding; ADR 0281), as Checkov fails CKV_AWS_248 on it too. Low: on its own, the endpoint stays "
    "inside the VPC and behind its access policy.",
    defaults=(("vpc_options.security_group_ids", "none: the VPC's default security group"),),
    references=References(checkov=("CKV_AWS_248",), trivy=()),
    check=check,
)
