"""S2 from the outside (review22b): `tfreview scan DIR --advisor openai`, a real process, against a fake OpenAI on
loopback. Secrets written in the .tf files reached the model's prompt: an ElastiCache or MemoryDB user's
`passwords`, a VPN's pre-shared keys, an API Gateway key's value, an SFTP server's host key, a Grafana provider's
`auth`.

Their providers' schemas mark them `Sensitive: true` (`aws_elasticache_user.passwords` and
`authentication_mode.passwords`, `aws_memorydb_user.authentication_mode.passwords`, `aws_vpn_connection`'s
`tunnel1_preshared_key`/`tunnel2_preshared_key`, the `shared_key` of `azurerm_virtual_network_gateway_connection` and
`azurerm_express_route_circuit_peering`, `aws_api_gateway_api_key.value`, `aws_transfer_server.host_key`, the
grafana provider's `auth` and `http_headers`); a plan masks them, but source has no schema and none of these is a
secret name: a change read from source carries the mask the plan's schema would (ADR 0472, ADR 0718).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.llm_openai import FakeOpenAI
from tfreview.core.redact import SENSITIVE
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.store.source_masking import sensitive_values_of_tree

CANARIES = (
    "cnryElastiCachePw0123456789",
    "cnryNestedElastiPw0123456",
    "cnryMemoryDbPw0123456789",
    "cnryTunnelOnePsk01",
    "cnryTunnelTwoPsk02",
    "cnryAzureVnetPsk03",
    "cnryExpressRoutePsk",
    "cnryGrafanaAuth0123",
    "cnryGrafanaHeader0123",
    "cnryApiGatewayKey0123456789",
    "cnryTransferHostKey0123",
)

SOURCE = f"""
resource "aws_elasticache_user" "app" {{
  user_id       = "app"
  user_name     = "app"
  access_string = "on ~* +@all"
  engine        = "REDIS"
  passwords     = ["{CANARIES[0]}"]
  tags          = {{ note = "rotated from {CANARIES[0]}" }}
}}

resource "aws_elasticache_user" "nested" {{
  user_id       = "nested"
  user_name     = "nested"
  access_string = "on ~* +@all"
  engine        = "REDIS"
  authentication_mode {{
    type      = "password"
    passwords = ["{CANARIES[1]}"]
  }}
}}

resource "aws_memorydb_user" "app" {{
  user_name     = "app"
  access_string = "on ~* &* +@all"
  authentication_mode {{
    type      = "password"
    passwords = ["{CANARIES[2]}"]
  }}
}}

resource "aws_vpn_connection" "office" {{
  customer_gateway_id   = "cgw-1"
  type                  = "ipsec.1"
  tunnel1_preshared_key = "{CANARIES[3]}"
  tunnel2_preshared_key = "{CANARIES[4]}"
}}

resource "azurerm_virtual_network_gateway_connection" "office" {{
  name                       = "office"
  type                       = "IPsec"
  virtual_network_gateway_id = "gw"
  shared_key                 = "{CANARIES[5]}"
}}

resource "azurerm_express_route_circuit_peering" "private" {{
  peering_type = "AzurePrivatePeering"
  vlan_id      = 100
  shared_key   = "{CANARIES[6]}"
}}

resource "aws_api_gateway_api_key" "partner" {{
  name  = "partner"
  value = "{CANARIES[9]}"
}}

resource "aws_transfer_server" "sftp" {{
  identity_provider_type = "SERVICE_MANAGED"
  host_key               = "{CANARIES[10]}"
}}

provider "grafana" {{
  url          = "https://grafana.example.com"
  auth         = "admin:{CANARIES[7]}"
  http_headers = {{ "X-Scope-OrgID" = "{CANARIES[8]}" }}
}}
"""


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def test_source_changes_mask_the_user_passwords_as_the_schema_does() -> None:
    by_address = {c.address: c for c in changeset_from_sources({"main.tf": SOURCE}).changes}
    assert by_address["aws_elasticache_user.app"].after_sensitive == {"passwords": True}
    assert by_address["aws_elasticache_user.nested"].after_sensitive == {"authentication_mode": [{"passwords": True}]}
    assert by_address["aws_memorydb_user.app"].after_sensitive == {"authentication_mode": [{"passwords": True}]}
    # a VPN's pre-shared keys: `…_preshared_key` and `shared_key` are no secret names either
    psks = {"tunnel1_preshared_key": True, "tunnel2_preshared_key": True}
    assert by_address["aws_vpn_connection.office"].after_sensitive == psks
    assert by_address["azurerm_virtual_network_gateway_connection.office"].after_sensitive == {"shared_key": True}
    assert by_address["azurerm_express_route_circuit_peering.private"].after_sensitive == {"shared_key": True}
    assert by_address["aws_api_gateway_api_key.partner"].after_sensitive == {"value": True}
    assert by_address["aws_transfer_server.sftp"].after_sensitive == {"host_key": True}
    # a provider block's credentials: Grafana's `auth` (`user:password` or a token) and its `http_headers`
    assert by_address["provider.grafana"].after_sensitive == {"auth": True, "http_headers": True}


def test_a_stored_tarball_masks_them_too() -> None:
    masked = sensitive_values_of_tree({"main.tf": SOURCE}).values
    assert [canary for canary in CANARIES if not any(canary in value for value in masked)] == []


def test_s2_scan_of_source_sends_no_user_password_to_the_model(model: FakeOpenAI, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(SOURCE)
    env = {
        **os.environ,
        "TFREVIEW_ADVISOR__PROVIDERS": f'[{{"provider": "openai", "base_url": "{model.url}/v1", "model": "m"}}]',
    }
    argv = [
        sys.executable,
        "-m",
        "tfreview",
        "scan",
        str(tmp_path),
        "--advisor",
        "openai",
        "-o",
        "markdown",
        "-o",
        "json",
    ]
    child = subprocess.run(
        argv,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )

    assert child.returncode == 0, child.stderr
    assert model.request_count == 1  # the model was asked, once
    sent = b"\n".join(r.body for r in model.requests).decode()
    assert "aws_memorydb_user.app" in sent  # the resources are in the prompt…
    assert SENSITIVE in sent  # …their passwords as the sensitive marker
    for canary in CANARIES:
        assert canary not in sent
        assert canary not in child.stdout + child.stderr
