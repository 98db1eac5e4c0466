"""`tfreview secrets status`: every secret the service uses — kind, version, where it lives, age, expiry,
last use — and never a value (issue 11 K4).

Webhook secrets are listed per version (its `name`, else v1, v2, …): where it comes from (inline in the
environment or the `webhook_secrets_from` document), its state at `now` and its `not_after`; a Spacelift
version also shows the account it is bound to. References (GitHub App keys, the plain token, the marker
secret, the Spacelift API key, model keys) show their kind and location (`file /run/secrets/key`,
`env NAME`, `aws-sm ARN` — locations are not secrets), whether they resolve now, and a file's age. API
tokens are summed up per tenant and scope: how many are live, the oldest, the next expiry, the last use.
The last use of a webhook secret version is when it last verified a delivery (recorded by `serve` at most
once a minute per process; `never` until then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tfreview.core.errors import ConfigError
from tfreview.plumbing.secret_references import SecretSource
from tfreview.ports.records import ApiToken
from tfreview.settings import SecretVersion, Settings

NEVER = "-"


@dataclass(frozen=True, slots=True)
class SecretRow:
    kind: str
    version: str
    source: str
    state: str
    expires: str = NEVER
    age: str = NEVER
    last_use: str = NEVER


def secret_rows(
    settings: Settings,
    tokens: list[ApiToken],
    now: datetime,
    uses: dict[tuple[str, str], datetime] | None = None,
) -> list[SecretRow]:
    """`uses`: when each webhook secret version (kind, label) last verified a delivery."""
    rows: list[SecretRow] = []
    for kind, section in (("github_webhook", settings.github), ("spacelift_webhook", settings.spacelift)):
        rows += _version_rows(kind, section.webhook_secrets, section.webhook_secrets_from, now, uses or {})
    app = settings.github_app
    for number, source in enumerate(app.private_key_sources(), 1):
        rows.append(_reference_row("github_app_key", f"key {number}", source))
    for name, maybe in (("github_token", app.token_source()), ("github_marker", app.marker_secret_source())):
        if maybe is not None:
            rows.append(_reference_row(name, "current", maybe))
    if settings.spacelift_api.api_key_secret is not None:
        rows.append(_reference_row("spacelift_api_key", "current", settings.spacelift_api.secret_source()))
    for provider in settings.advisor.providers:
        for field in ("api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
            spec = getattr(provider, field)
            if spec:
                rows.append(_reference_row("model_key", f"{provider.provider}/{field}", SecretSource.parse(spec)))
    for kind, setting, unset in (
        ("metrics_token", settings.metrics.token, "unset (/metrics answers 404)"),
        ("dashboard_session", settings.dashboard.session_secret, "unset (random per process)"),
        ("dashboard_csrf", settings.dashboard.csrf_secret, "unset (random per process)"),
    ):
        rows.append(SecretRow(kind, "current", "setting", "set" if setting is not None else unset))
    rows += _token_rows(tokens, now)
    return rows


def format_rows(rows: list[SecretRow]) -> str:
    header = SecretRow("KIND", "VERSION", "SOURCE", "STATE", "EXPIRES", "AGE", "LAST USE")
    table = [header, *rows]
    columns = [[r.kind, r.version, r.source, r.state, r.expires, r.age, r.last_use] for r in table]
    widths = [max(len(row[i]) for row in columns) for i in range(len(columns[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1] for row in columns]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _version_rows(
    kind: str,
    versions: list[SecretVersion],
    document: str | None,
    now: datetime,
    uses: dict[tuple[str, str], datetime],
) -> list[SecretRow]:
    if not versions:
        return [SecretRow(kind, NEVER, NEVER, "unset: every delivery is refused")]
    rows = []
    source = f"document {document.partition(':')[0]}" if document else "setting"
    document_age = _age_of(SecretSource.parse(document), now) if document else NEVER
    for number, version in enumerate(versions, 1):
        label = version.name or f"v{number}"
        bound = f", account {version.account}" if version.account else ""
        end = version.not_after
        if end is not None and end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        state = "valid" if end is None or end > now else "expired"
        expires = _when(end, now) if end is not None else "never"
        used = _aware(uses.get((kind, label)))
        last_use = _duration(max(0.0, (now - used).total_seconds())) + " ago" if used is not None else "never"
        rows.append(SecretRow(kind, label, source + bound, state, expires, document_age, last_use))
    return rows


def _reference_row(kind: str, version: str, source: SecretSource) -> SecretRow:
    try:
        source.value()
        state = "resolves"
    except ConfigError:
        state = "DOES NOT RESOLVE"
    return SecretRow(kind, version, source.origin, state, age=_age_of(source, datetime.now(UTC)))


def _token_rows(tokens: list[ApiToken], now: datetime) -> list[SecretRow]:
    groups: dict[tuple[str, str], list[ApiToken]] = {}
    for token in tokens:
        expires = _aware(token.expires_at)
        if token.revoked_at is None and (expires is None or expires > now):
            groups.setdefault((token.tenant_id, token.scope.value), []).append(token)
    rows = []
    for (tenant, scope), live in sorted(groups.items()):
        oldest = min(_aware(t.created_at) or now for t in live)
        ends = [e for e in (_aware(t.expires_at) for t in live) if e is not None]
        used = [u for u in (_aware(t.last_used_at) for t in live) if u is not None]
        rows.append(
            SecretRow(
                "api_token",
                f"{tenant} {scope}",
                f"{len(live)} live",
                "valid",
                _when(min(ends), now) if ends else "never",
                _duration((now - oldest).total_seconds()),
                _duration((now - max(used)).total_seconds()) + " ago" if used else "never",
            )
        )
    return rows


def _age_of(source: SecretSource, now: datetime) -> str:
    origin = source.origin
    if not origin.startswith("file "):
        return NEVER
    try:
        modified = Path(origin.removeprefix("file ")).stat().st_mtime
    except OSError:
        return NEVER
    return _duration(max(0.0, now.timestamp() - modified))


def _when(end: datetime | None, now: datetime) -> str:
    if end is None:
        return "never"
    stamp = end.isoformat(timespec="seconds")
    seconds = (end - now).total_seconds()
    return f"{stamp} (in {_duration(seconds)})" if seconds > 0 else f"{stamp} ({_duration(-seconds)} ago)"


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.0f}d"
    if seconds >= 3600:
        return f"{seconds / 3600:.0f}h"
    return f"{seconds / 60:.0f}m"


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
