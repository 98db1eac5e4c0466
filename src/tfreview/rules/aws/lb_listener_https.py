"""Load-balancer listeners that serve plain HTTP without redirecting to HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def _on_application_lb(listener: Resource, snapshot: Snapshot) -> bool:
    """True when the listener's load balancer is in the snapshot and is an application LB."""
    for lb_type in ("aws_lb", "aws_alb"):
        for lb in snapshot.targets(listener, lb_type, "load_balancer_arn", ("arn", "id")):
            return lb.get("load_balancer_type") in (None, "application")
    return False


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    protocol = resource.get("protocol")
    if protocol is None:  # HCL without `protocol`: HTTP on an application LB, nothing on a gateway LB
        if not _on_application_lb(resource, snapshot):
            return
    elif protocol is UNKNOWN or str(protocol).upper() != "HTTP":
        return
    if not resource.known("default_action"):
        return
    for index, _ in enumerate(resource.blocks("default_action")):
        kind = resource.get(f"default_action.{index}.type")
        target = resource.get(f"default_action.{index}.redirect.0.protocol")
        if kind is UNKNOWN or (kind == "redirect" and (target is UNKNOWN or str(target).upper() == "HTTPS")):
            return
    shown = protocol if protocol is not None else "HTTP (provider default)"
    yield Hit("protocol", "the listener serves plain HTTP and its default action does not redirect to HTTPS", shown)


RULE = Rule(
    id="TFR-AWS-043",
    long_id="aws-lb-listener-https",
    title="Load-balancer listener serves plain HTTP without redirecting to HTTPS",
    severity=Severity.HIGH,
    provider="aws",
    category="encryption",
    resource_types=("aws_lb_listener", "aws_alb_listener"),
    remediation='Use `protocol = "HTTPS"` with a `certificate_arn` and a modern `ssl_policy`, or make the HTTP '
    'listener\'s default action a `redirect` with `protocol = "HTTPS"` (status `HTTP_301`).',
    description="HIGH: a plain-HTTP listener sends sessions, cookies and credentials across the internet in clear "
    "text, open to interception and tampering. An HTTP listener is fine when its default action redirects to "
    "HTTPS. TLS, TCP, UDP, TCP_UDP and GENEVE listeners (network and gateway load balancers) are not flagged, "
    "as in Checkov. A listener without `protocol` is flagged only when its load balancer, in the same "
    "configuration, is an application load balancer (the provider then defaults to HTTP). Checkov fails such a "
    "listener under two ids, CKV_AWS_2 (HTTPS) and CKV_AWS_103 (TLS 1.2: a listener without TLS passes it only "
    "by redirecting to HTTPS), so both are referenced; TFR-AWS-209 judges the TLS policy of HTTPS/TLS listeners.",
    references=References(checkov=("CKV_AWS_2", "CKV_AWS_103"), trivy=("AVD-AWS-0054", "aws-elb-http-not-used")),
    check=check,
)
