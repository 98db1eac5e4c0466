"""One cause, one finding (issue 12 §3): a world-open rule on every port is one critical finding with its
facets, every offending item is named, and suppressions written for any of the ids keep their meaning."""

from __future__ import annotations

from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy, Suppression
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

SG_IDS = {"TFR-AWS-012", "TFR-AWS-013", "TFR-AWS-014", "TFR-AWS-015", "TFR-AWS-017"}

ALL_OPEN = """
resource "aws_security_group" "open" {
  name        = "open"
  description = "wide open"
  vpc_id      = "vpc-1"
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "all" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "ssh in"
  vpc_id      = "vpc-1"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""

UNDESCRIBED = """
resource "aws_security_group" "app" {
  name        = "app"
  description = "app servers"
  vpc_id      = "vpc-1"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    description = "health checks"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.1.0.0/16"]
  }
  ingress {
    from_port   = 9090
    to_port     = 9090
    protocol    = "tcp"
    cidr_blocks = ["10.2.0.0/16"]
  }
}
"""


def _findings(hcl: str, policy: Policy | None = None) -> tuple[list[Finding], list[Finding]]:
    result = review(changeset_from_sources({"main.tf": hcl}, label="t"), load_rules(), policy or Policy())
    live = [f for f in result.findings if f.status is not Status.RESOLVED]
    return live, result.suppressed


def _sg(findings: list[Finding], address: str) -> list[Finding]:
    return [f for f in findings if f.address == address and f.rule_id in SG_IDS]


def test_an_all_open_rule_is_one_critical_finding_with_every_facet() -> None:
    findings, _ = _findings(ALL_OPEN)
    inline = _sg(findings, "aws_security_group.open")
    assert [f.rule_id for f in inline] == ["TFR-AWS-014"]
    message = inline[0].message
    assert message.startswith("every port is open to the whole internet")  # what matters leads
    for facet in ("TFR-AWS-012: SSH (port 22)", "TFR-AWS-013: RDP (port 3389)", "TFR-AWS-015: HTTP (port 80)"):
        assert facet in message
    assert "TFR-AWS-017: an ingress rule has no description" in message
    standalone = _sg(findings, "aws_security_group_rule.all")
    assert [f.rule_id for f in standalone] == ["TFR-AWS-014"]
    assert "TFR-AWS-017: the security group rule has no description of its own" in standalone[0].message


def test_a_rule_open_on_one_port_keeps_its_own_findings() -> None:
    findings, _ = _findings(ALL_OPEN)
    assert sorted(f.rule_id for f in _sg(findings, "aws_security_group.bastion")) == ["TFR-AWS-012", "TFR-AWS-017"]


def test_with_the_subsuming_rule_disabled_every_facet_is_reported_on_its_own() -> None:
    findings, _ = _findings(ALL_OPEN, Policy(disabled_rules=frozenset({"TFR-AWS-014"})))
    ids = sorted(f.rule_id for f in _sg(findings, "aws_security_group.open"))
    assert ids == ["TFR-AWS-012", "TFR-AWS-013", "TFR-AWS-015", "TFR-AWS-017"]


def test_suppressions_by_any_of_the_ids_keep_their_meaning() -> None:
    # the merged finding answers to the subsuming rule's names (Checkov's CKV_AWS_277 among them) …
    policy = Policy(suppressions=(Suppression("CKV_AWS_277", "lab network", "aws_security_group.open"),))
    findings, suppressed = _findings(ALL_OPEN, policy)
    assert _sg(findings, "aws_security_group.open") == []
    assert [f.rule_id for f in _sg(suppressed, "aws_security_group.open")] == ["TFR-AWS-014"]
    # … and a suppression of a facet's id still silences that rule where it reports alone
    policy = Policy(suppressions=(Suppression("TFR-AWS-012", "bastion", "aws_security_group.bastion"),))
    findings, suppressed = _findings(ALL_OPEN, policy)
    assert [f.rule_id for f in _sg(suppressed, "aws_security_group.bastion")] == ["TFR-AWS-012"]
    assert [f.rule_id for f in _sg(findings, "aws_security_group.open")] == ["TFR-AWS-014"]


def test_every_offending_item_is_named_in_one_finding() -> None:
    findings, _ = _findings(UNDESCRIBED)
    described = [f for f in findings if f.rule_id == "TFR-AWS-017" and f.evidence.path.startswith("ingress")]
    assert len(described) == 1  # one finding per rule, resource and attribute: the fingerprint is stable
    message = described[0].message
    assert "2 in all: `ingress.0.description`, `ingress.2.description`" in message
    assert "ingress.1" not in message


IAM = """
resource "aws_iam_policy" "app" {
  name   = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action = [
        "s3:GetObject", "sqs:SendMessage", "dynamodb:PutItem", "s3:Put*", "kms:Decrypt", "sns:Publish", "ec2:*"
      ]
      Resource = "*"
    }]
  })
}
"""


def test_iam_messages_keep_the_users_spelling_and_lead_with_wildcards() -> None:
    findings, _ = _findings(IAM)
    star = next(f for f in findings if f.rule_id == "TFR-AWS-032")
    assert 'statement 0 allows s3:Put*, ec2:*, s3:GetObject, sqs:SendMessage, dynamodb:PutItem and 2 more on "*"' in (
        star.message
    )
    assert "s3:getobject" not in star.message


def test_every_subsumed_id_is_a_rule_of_the_library() -> None:
    rules = load_rules()
    ids = {rule.id for rule in rules}
    for rule in rules:
        assert set(rule.subsumes) <= ids - {rule.id}, rule.id


UNENCRYPTED = """
resource "aws_kinesis_stream" "raw" {
  name        = "raw"
  shard_count = 1
}

resource "aws_efs_file_system" "plain" {
  creation_token = "plain"
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = false
  }
}

resource "aws_kinesis_stream" "managed_key" {
  name            = "managed-key"
  shard_count     = 1
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"
}
"""

ENCRYPTION = {  # encryption rule -> (its Checkov id, the customer-managed-key rule it subsumes, that rule's id)
    "aws_kinesis_stream.raw": ("TFR-AWS-117", "CKV_AWS_43", "TFR-AWS-118", "CKV_AWS_185"),
    "aws_efs_file_system.plain": ("TFR-AWS-119", "CKV_AWS_42", "TFR-AWS-120", "CKV_AWS_184"),
    "aws_opensearch_domain.search": ("TFR-AWS-050", "CKV_AWS_5", "TFR-AWS-135", "CKV_AWS_247"),
}


def test_an_unencrypted_resource_is_one_finding_that_also_names_the_missing_customer_key() -> None:
    findings, _ = _findings(UNENCRYPTED)
    for address, (rule_id, checkov, cmk_rule, cmk_checkov) in ENCRYPTION.items():
        mine = [f for f in findings if f.address == address and f.rule_id in (rule_id, cmk_rule)]
        assert [f.rule_id for f in mine] == [rule_id], address
        assert f"also {cmk_rule}: no customer-managed KMS key" in mine[0].message or (
            f"also {cmk_rule}: the stream is not encrypted with a customer-managed KMS key" in mine[0].message
        ), mine[0].message
        # the finding is also what Checkov reports under the subsumed rule's id; the rule's own ids come first
        assert mine[0].references[0] == checkov
        assert cmk_checkov in mine[0].references
    # encrypted with the AWS-managed key: the customer-key rule reports alone, with its own ids only
    managed = [f for f in findings if f.address == "aws_kinesis_stream.managed_key"]
    assert [(f.rule_id, f.references) for f in managed] == [("TFR-AWS-118", ("CKV_AWS_185",))]


def test_an_admin_statement_is_one_critical_finding_that_also_stands_for_full_iam_access() -> None:
    """`"*"` (TFR-AWS-031, and on `"*"` resources TFR-AWS-030) includes every IAM action: TFR-AWS-253 stays silent
    there and becomes a facet; an `iam:*` statement alone is TFR-AWS-253's own finding."""
    text = """
resource "aws_iam_policy" "admin" {
  name   = "admin"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_iam_policy" "iam" {
  name   = "iam"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}

resource "aws_iam_policy" "narrow" {
  name   = "narrow"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::b/*" }]
  })
}
"""
    rules = [r for r in load_rules() if r.id in {"TFR-AWS-030", "TFR-AWS-031", "TFR-AWS-253"}]
    findings = review(changeset_from_sources({"main.tf": text}), rules, Policy()).findings
    assert sorted((f.address, f.rule_id) for f in findings) == [
        ("aws_iam_policy.admin", "TFR-AWS-030"),  # TFR-AWS-031 a facet of it, with CKV_AWS_63 (ADR 0730)
        ("aws_iam_policy.iam", "TFR-AWS-253"),
        ("aws_iam_policy.narrow", "TFR-AWS-031"),
    ]
    by_key = {(f.address, f.rule_id): f for f in findings}
    for key in (("aws_iam_policy.admin", "TFR-AWS-030"), ("aws_iam_policy.narrow", "TFR-AWS-031")):
        assert "CKV2_AWS_40" in by_key[key].references
        assert "TFR-AWS-253: statement 0 allows every IAM action" in by_key[key].message
    assert 'TFR-AWS-031: statement 0 allows "*"' in by_key[("aws_iam_policy.admin", "TFR-AWS-030")].message
    assert "CKV_AWS_63" in by_key[("aws_iam_policy.admin", "TFR-AWS-030")].references


EVERY_STATEMENT = """
resource "aws_iam_policy" "ops" {
  name = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ec2:*"], Resource = "*" },
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::logs/*" },
      { Effect = "Allow", Action = ["iam:PassRole", "iam:*", "s3:GetObject"], Resource = "*" },
    ]
  })
}
"""  # statement 2 is not IAM alone: not TFR-AWS-253's finding only (ADR 0730)


def test_an_iam_finding_names_every_offending_statement_wildcards_first() -> None:
    findings, _ = _findings(EVERY_STATEMENT)
    management = [f for f in findings if f.rule_id == "TFR-AWS-244"]
    assert len(management) == 1  # one policy, one finding
    assert management[0].evidence.path == "policy"
    assert 'statements 0 and 2 allow permissions management on "*": ec2:*, iam:*, iam:PassRole' in (
        management[0].message
    )
    writes = next(f for f in findings if f.rule_id == "TFR-AWS-243")
    # `iam:*` is permissions management only: the reference's IAM "Write" actions can only be granted on "*"
    assert writes.message == 'statement 0 allows write actions on "*": ec2:*'


PUBLIC_POLICIES = """
resource "aws_s3_bucket_policy" "site" {
  bucket = "site"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::site/*" },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "s3:*", Resource = "*" },
      { Effect = "Allow", Principal = "*", Action = ["s3:PutObject", "s3:*"], Resource = "arn:aws:s3:::site/*" },
    ]
  })
}

resource "aws_kms_key" "shared" {
  description = "shared"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = "*" },
      { Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Encrypt", Resource = "*" },
    ]
  })
}

resource "aws_iam_policy" "everything" {
  name = "everything"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Allow", NotAction = "iam:*", Resource = "*" },
      { Effect = "Allow", Action = "*", Resource = "*" },
    ]
  })
}
"""


def test_policy_findings_name_every_offending_statement() -> None:
    findings, _ = _findings(PUBLIC_POLICIES)
    by = {(f.address, f.rule_id): f for f in findings}
    messages = {key: f.message for key, f in by.items()}
    public = [
        m for (address, _), m in messages.items() if address == "aws_s3_bucket_policy.site" and "any principal" in m
    ]
    assert public == [
        'statement 0 allows s3:GetObject to any principal ("*"); '
        'statement 2 allows s3:*, s3:PutObject to any principal ("*")'
    ]
    kms = [m for (address, _), m in messages.items() if address == "aws_kms_key.shared" and "any principal" in m]
    assert kms == ['statements 0 and 1 allow any principal ("*") without a condition']
    star = [
        m
        for (address, _), m in messages.items()
        if address == "aws_iam_policy.everything" and m.startswith("statement")
    ]
    # every statement allows every action on every resource: TFR-AWS-031's words are a facet (ADR 0730)
    assert any(
        'TFR-AWS-031: statements 0 and 2 allow "*"; statement 1 uses NotAction, allowing every' in m for m in star
    )
    # NotAction allows every action but those it lists: statement 1 is an admin statement too, said as such
    assert any(
        m.startswith(
            'statements 0 and 2 allow every action ("*") on every resource ("*"); '
            'statement 1 allows every action except `iam:*` (`NotAction`) on every resource ("*")'
        )
        for m in star
    )


ELASTICACHE = """
resource "aws_elasticache_replication_group" "plain" {
  replication_group_id = "plain"
  description          = "sessions"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
}

resource "aws_elasticache_replication_group" "tls_no_token" {
  replication_group_id       = "tls-no-token"
  description                = "sessions"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}
"""


def test_an_elasticache_group_without_tls_or_encryption_at_rest_is_one_finding_per_cause() -> None:
    # ADR 0458: no TLS means no AUTH token is possible either, and no encryption at rest means no customer key:
    # TFR-AWS-124 and TFR-AWS-123 carry TFR-AWS-216's and TFR-AWS-218's hits as facets, with their Checkov ids
    findings, _ = _findings(ELASTICACHE)
    plain = {f.rule_id: f for f in findings if f.address == "aws_elasticache_replication_group.plain"}
    assert set(plain) == {"TFR-AWS-123", "TFR-AWS-124"}
    assert "also TFR-AWS-216: " in plain["TFR-AWS-124"].message
    assert "TFR-AWS-216: `auth_token` not set" in plain["TFR-AWS-124"].message
    assert plain["TFR-AWS-124"].references[0] == "CKV_AWS_30"
    assert "CKV_AWS_31" in plain["TFR-AWS-124"].references
    assert "also TFR-AWS-218: " in plain["TFR-AWS-123"].message
    assert "CKV_AWS_191" in plain["TFR-AWS-123"].references
    # TLS on and encrypted at rest: the token and the customer key are causes of their own, reported alone
    tls = sorted(f.rule_id for f in findings if f.address == "aws_elasticache_replication_group.tls_no_token")
    assert tls == ["TFR-AWS-216", "TFR-AWS-218"]
