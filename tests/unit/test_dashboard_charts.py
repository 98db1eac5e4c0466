"""The server-side SVG charts and the SLO panels' arithmetic (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tfreview.ops.series import Sample, SeriesBuffer
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.web.dashboard.charts import Chart, line_chart
from tfreview.web.dashboard.slo_panels import hourly, percentile, sampled

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_a_chart_is_an_accessible_svg_with_its_values_and_threshold() -> None:
    svg = str(
        line_chart(Chart("Burn <rate>", "×", [(T0.timestamp(), 1.0), (T0.timestamp() + 3600, 20.0)], 14.4, "page"))
    )
    assert svg.startswith('<svg class="chart" role="img"')
    assert "<title>Burn &lt;rate&gt;</title>" in svg  # every text escaped
    assert "last 20×, highest 20×; page 14.4×" in svg
    assert 'class="threshold"' in svg
    assert "10:00" in svg
    assert "11:00 UTC" in svg
    points = svg.split('points="')[1].split('"', maxsplit=1)[0].split()
    assert len(points) == 2
    assert float(points[1].split(",")[1]) < float(points[0].split(",")[1])  # higher value, higher on the chart


def test_no_point_is_said_not_drawn_and_one_point_is_a_dot() -> None:
    assert str(line_chart(Chart("Queue age", "s", []))) == '<p class="chart-empty">Queue age: no data yet.</p>'
    assert "<circle" in str(line_chart(Chart("Queue age", "s", [(T0.timestamp(), 0.0)])))


def _review(created: datetime, seconds: float, status: ReviewStatus) -> StoredReview:
    return StoredReview(
        id="r",
        tenant_id="t",
        status=status,
        source=SourceInfo(kind="api"),
        created_at=created,
        updated_at=created + timedelta(seconds=seconds),
    )


def test_burn_rate_and_p95_per_hour() -> None:
    reviews = [_review(T0 + timedelta(minutes=i), 10.0 * i, ReviewStatus.COMPLETED) for i in range(1, 21)]
    reviews.append(_review(T0 + timedelta(hours=1), 1.0, ReviewStatus.FAILED))
    reviews.append(_review(T0 + timedelta(hours=1), 1.0, ReviewStatus.IN_PROGRESS))  # unfinished: not counted
    found = hourly(reviews, target_seconds=150.0, objective=0.9)
    assert found.total == 21
    # first hour: 5 of 20 later than 150 s -> 25 % bad against a 10 % budget = 2.5 times; second: 1 of 1 -> 10 times
    assert [round(b, 6) for _, b in found.burn] == [2.5, 10.0]
    assert found.p95[0] == (T0.timestamp(), 190.0)
    assert found.bad == 6
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_queue_age_from_the_watchdogs_samples() -> None:
    buffer = SeriesBuffer(3600)
    assert sampled(None, "tfreview_queue_oldest_age_seconds", 3600) == []
    assert sampled(buffer, "tfreview_queue_oldest_age_seconds", 3600) == []
    for i, age in enumerate((0.0, 15.0, 30.0)):
        buffer.add(1000.0 + 15 * i, [Sample.of("tfreview_queue_oldest_age_seconds", {"kind": "review"}, age)])
    assert sampled(buffer, "tfreview_queue_oldest_age_seconds", 3600) == [(1000.0, 0.0), (1015.0, 15.0), (1030.0, 30.0)]
