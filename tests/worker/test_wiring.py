"""The wiring, the upload source's safety, the log publisher and the embedded worker threads."""

from __future__ import annotations

import io
import logging
import tarfile
import threading
import time
from pathlib import Path

import pytest

from tfreview.core.errors import ConfigError, InputError
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.publish.log import LogPublisher
from tfreview.sources.slow import SLOW_SOURCE_ENV, SlowPlanSource
from tfreview.sources.uploaded import UploadedPlanSource, change_set_from_tarball
from tfreview.wiring import build_memory_services, build_services, build_sources
from tfreview.worker.process import run_worker_process, start_embedded

from .conftest import TENANT, database_settings, sqlite_url, upload, worker_settings

MAIN_TF = b'resource "aws_s3_bucket_acl" "logs" {\n  bucket = "logs"\n  acl    = "public-read"\n}\n'


def tarball(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if symlink is not None:
            link = tarfile.TarInfo("link.tf")
            link.type = tarfile.SYMTYPE
            link.linkname = symlink
            archive.addfile(link)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../escape.tf", "/etc/evil.tf", "a/../../escape.tf"])
def test_a_tarball_entry_outside_the_archive_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="points outside the archive"):
        change_set_from_tarball(tarball({"main.tf": MAIN_TF, name: b""}), label="upload p1")


def test_links_in_a_tarball_are_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tf"
    secret.write_text('resource "aws_s3_bucket_acl" "secret" {\n  acl = "public-read"\n}\n')
    change_set = change_set_from_tarball(tarball({"main.tf": MAIN_TF}, symlink=str(secret)), label="upload p1")
    assert [c.address for c in change_set.changes] == ["aws_s3_bucket_acl.logs"]


def test_a_tarball_without_terraform_says_so() -> None:
    with pytest.raises(InputError, match=r"no \.tf files"):
        change_set_from_tarball(tarball({"README.md": b"hello"}), label="upload p1")


def test_the_upload_source_reads_a_stored_tarball_and_needs_a_plan_id() -> None:
    services = build_memory_services(worker_settings())
    plan_id = services.plans.put(TENANT, tarball({"main.tf": MAIN_TF}), "tarball", {})
    stored = services.plans.get(plan_id)
    assert stored is not None
    source = UploadedPlanSource(services.plans)
    review = services.reviews.create(TENANT, SourceInfo("api"))
    fetched = source.fetch(review, {"plan_id": plan_id})
    assert [c.address for c in fetched.change_set.changes] == ["aws_s3_bucket_acl.logs"]
    with pytest.raises(InputError, match="names no uploaded plan"):
        source.fetch(review, {})


def test_sources_refuse_github_and_spacelift_honestly() -> None:
    sources = build_sources(build_memory_services().plans, environ={})
    assert sorted(sources) == ["api", "github", "spacelift"]
    review = build_memory_services().reviews.create(TENANT, SourceInfo("github"))
    with pytest.raises(InputError, match="GitHub pull-request fetching is not configured yet"):
        sources["github"].fetch(review, {})


def test_the_slow_source_is_test_only_and_validated() -> None:
    plans = build_memory_services().plans
    slowed = build_sources(plans, environ={SLOW_SOURCE_ENV: "0.5"})
    assert all(isinstance(source, SlowPlanSource) for source in slowed.values())
    assert not any(isinstance(s, SlowPlanSource) for s in build_sources(plans, environ={}).values())
    with pytest.raises(ConfigError, match=SLOW_SOURCE_ENV):
        build_sources(plans, environ={SLOW_SOURCE_ENV: "soon"})


def test_the_log_publisher_writes_one_line(caplog: pytest.LogCaptureFixture) -> None:
    services = build_memory_services(worker_settings())
    review = services.reviews.create(TENANT, SourceInfo("api"))
    saved = services.reviews.save_result(review.id, ReviewStatus.COMPLETED, {"verdict": "warn"}, "warn", {})
    short_hash = (saved.content_hash or "")[:12]
    with caplog.at_level(logging.INFO, logger="tfreview.publish"):
        LogPublisher().publish(saved)
    assert [r.getMessage() for r in caplog.records if r.name == "tfreview.publish"] == [
        f"review {review.id} ready: verdict warn, status completed, findings n/a, content {short_hash}"
    ]


def test_build_services_on_sqlite_is_ready_and_closes(tmp_path: Path) -> None:
    services = build_services(database_settings(sqlite_url(tmp_path)))
    try:
        assert {check.name: check.check() for check in services.health_checks} == {
            "database": (True, "ok"),
            "queue": (True, "0 job(s) queued or running"),
            "watchdog": (True, "starting: no evaluation yet"),  # a readiness detail, never unready
        }
        assert sorted(services.sources) == ["api", "github", "spacelift"]
    finally:
        services.close()


def test_build_services_refuses_an_unknown_database() -> None:
    with pytest.raises(ConfigError, match="not supported"):
        build_services(database_settings("mysql://db/tfreview"))


def test_embedded_threads_review_until_stopped() -> None:
    services = build_memory_services(worker_settings())
    review_id, _ = upload(services)
    stop = threading.Event()
    threads = start_embedded(services, stop)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and services.queue.depth() > 0:
            time.sleep(0.02)
    finally:
        stop.set()
        assert threads.join(10)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert len(threads) == services.settings.worker.concurrency + 1  # the workers and the reaper


def test_run_worker_process_stops_on_its_event(tmp_path: Path) -> None:
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(run_worker_process(database_settings(sqlite_url(tmp_path)), stop_event=stop))
    )
    thread.start()
    stop.set()
    thread.join(30)
    assert result == [0]


def test_the_wired_sign_in_client_ends_a_dribbled_discovery_at_its_timeout(tmp_path: Path) -> None:
    """The JWKS and sign-in client `build_services` wires ends each exchange within `jwks_timeout_seconds`, whole
    (ADR 0508): an issuer dribbling its discovery document cannot hold a request thread."""
    from tests.fakes import hostile
    from tests.fakes.hostile import HostileServer
    from tfreview.core.errors import UpstreamError

    with HostileServer(hostile.dribbled_headers) as issuer:
        settings = database_settings(sqlite_url(tmp_path))
        auth = settings.auth.model_copy(
            update={"oidc_issuer": issuer.url, "oidc_client_id": "tfreview", "jwks_timeout_seconds": 1.0}
        )
        services = build_services(settings.model_copy(update={"auth": auth}))
        try:
            assert services.sign_in is not None
            with pytest.raises(UpstreamError, match=r"^the OIDC discovery document is unavailable \(ReadTimeout\)$"):
                services.sign_in.authorization_url(redirect_uri="http://127.0.0.1/cb", state="s", challenge="c")
        finally:
            services.close()
        assert issuer.dribbled < issuer.ceiling
