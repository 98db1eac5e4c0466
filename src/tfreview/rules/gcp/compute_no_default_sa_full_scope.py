"""VM instances must not run as the default service account with full Cloud API access."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

DEFAULT_ACCOUNT = re.compile(r"^(default|\d+-compute@developer\.gserviceaccount\.com)$")
FULL_ACCESS = ("cloud-platform", "https://www.googleapis.com/auth/cloud-platform")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for index in range(len(resource.blocks("service_account"))):
        scopes = resource.get(f"service_account.{index}.scopes")
        if not isinstance(scopes, list) or not any(scope in FULL_ACCESS for scope in scopes):
            continue
        path = f"service_account.{index}.email"
        email = resource.get(path)  # unset (None in HCL) means the default account
        if email is None or (isinstance(email, str) and DEFAULT_ACCOUNT.match(email)):
            who = email or "the default compute service account"
            yield Hit(path, f"runs as {who} with the cloud-platform scope (full access to all Cloud APIs)", email)


RULE = Rule(
    id="TFR-GCP-009",
    long_id="gcp-compute-no-default-sa-full-scope",
    title="VM uses the default compute service account with full access to all Cloud APIs",
    severity=Severity.HIGH,
    provider="gcp",
    category="iam",
    resource_types=("google_compute_instance", "google_compute_instance_template"),
    remediation="Create a dedicated `google_service_account` with only the roles the workload needs and set "
    '`service_account { email = google_service_account.x.email, scopes = ["cloud-platform"] }`.',
    description="The default compute service account holds the Editor role on the project unless that grant was "
    "removed; with the cloud-platform scope, any process on the VM (or an SSRF to the metadata server) can use it "
    "to change almost anything in the project: High. The email is read as written; in a plan an email left "
    "unset is known only after apply, so this rule fires there only when the default account is named.",
    references=References(checkov=("CKV_GCP_31",), trivy=("AVD-GCP-0044", "google-compute-no-default-service-account")),
    check=check,
)
