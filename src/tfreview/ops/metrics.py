"""The Prometheus side of the recorder: the catalogue registered with prometheus-client, and the scrape.

One `PrometheusRecorder` per process (built in `wiring.py`). Multiprocess-correct: when the environment
variable PROMETHEUS_MULTIPROC_DIR names a directory shared by every tfreview process of a host (`serve`
and its `worker` processes; prometheus-client reads it when first imported), each process writes its
values there and the scrape (`exposition()`) sums counters and histograms across processes and combines
gauges by their catalogue mode. Without it, the scrape is this process's own values.

"Collected" metrics (queue depth and age, reviews past deadline) are read from the database at scrape
time by `QueueCollector`, so every process agrees on them and none keeps them in memory.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from tfreview.ops.metric_catalogue import CATALOGUE, MetricSpec
from tfreview.ops.signals import QueueSignals

logger = logging.getLogger("tfreview.ops.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
STRICT_ENV = "TFREVIEW_TEST_STRICT_METRICS"  # "1": an uncatalogued name or label raises (the test suite sets it)
REJECTIONS = "tfreview_metric_label_rejections_total"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_FREE_VALUE = re.compile(r"[A-Za-z0-9_.:/@+-]{1,100}")  # a label value from settings or status codes

_Instrument = Counter | Gauge | Histogram
_MAX_CHILDREN = 10_000


def multiprocess_dir() -> str | None:
    """The shared directory when multiprocess mode is on (the variable set to an existing directory)."""
    found = os.environ.get(MULTIPROC_ENV, "").strip()
    return found or None


class PrometheusRecorder:
    """The `Recorder` over prometheus-client. `collectors` add scrape-time families (the queue's).

    A call outside the catalogue (an unknown name, a label value not in its list) is a bug of the caller.
    In production it must not break the request or job that recorded it: the call is dropped, counted in
    `tfreview_metric_label_rejections_total{metric}` and logged once per metric and reason. With `strict`
    (the test suite: TFREVIEW_TEST_STRICT_METRICS=1) it raises ValueError, so a typo fails a test."""

    def __init__(self, *, strict: bool | None = None) -> None:
        self.strict = os.environ.get(STRICT_ENV, "").strip() == "1" if strict is None else strict
        self._rejected: set[tuple[str, str]] = set()
        self.registry = CollectorRegistry(auto_describe=True)
        self._instruments: dict[str, tuple[MetricSpec, _Instrument]] = {}
        self._children: dict[tuple[str, str, tuple[tuple[str, str], ...]], Any] = {}
        self._scrape_collectors: list[Collector] = []
        self.multiprocess = multiprocess_dir()
        for spec in CATALOGUE:
            instrument = _instrument(spec, self.registry)
            if instrument is not None:
                self._instruments[spec.name] = (spec, instrument)

    def start_at_zero(self, series: Iterable[tuple[str, tuple[tuple[str, str], ...]]]) -> None:
        """Create these counter/histogram series at 0 now (`zero_series`: the label sets the alerts read), so
        the first event is an increase Prometheus sees. A series outside the catalogue is refused as any call."""
        for name, labels in series:
            found = self._instruments.get(name)
            if found is not None and found[0].kind in ("counter", "histogram"):
                self._child(name, found[0].kind, dict(labels))

    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        child = self._child(name, "counter", labels)
        if child is not None:
            child.inc(amount)

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        child = self._child(name, "histogram", labels)
        if child is not None:
            child.observe(value)

    def set(self, name: str, value: float, /, **labels: str) -> None:
        child = self._child(name, "gauge", labels)
        if child is not None:
            child.set(value)

    def samples(self) -> list[tuple[str, dict[str, str], float]]:
        """Every sample of this host's metrics as the scrape would show them (all processes in multiprocess
        mode, the scrape-time collectors included), read from the registry without rendering any text —
        the watchdog's source. `_created` series are left out (they are not values)."""
        found: list[tuple[str, dict[str, str], float]] = []
        for family in self._scrape_registry().collect():
            for sample in family.samples:
                if not sample.name.endswith("_created"):
                    found.append((sample.name, sample.labels, sample.value))
        return found

    def _child(self, name: str, kind: str, labels: dict[str, str]) -> Any:
        """The labelled instrument, validated once per label set and then remembered: the webhook path
        records several metrics per request, and validating the labels each time cost more than recording.
        An uncatalogued name or label value is dropped and counted (raised only when strict, in tests)."""
        key = (name, kind, tuple(labels.items()))
        found = self._children.get(key)
        if found is None:
            try:
                spec, instrument = self._lookup(name, kind)
                found = _labelled(instrument, spec, labels)
            except ValueError as exc:
                if self.strict:
                    raise
                self._reject(name, str(exc))
                return None
            if len(self._children) >= _MAX_CHILDREN:  # label values are bounded; this is a guard, not a policy
                self._children.clear()
            self._children[key] = found
        return found

    def _reject(self, name: str, reason: str) -> None:
        metric = name if name in self._instruments else "unknown"
        _, counter = self._instruments[REJECTIONS]
        assert isinstance(counter, Counter)
        counter.labels(metric=metric).inc()
        key = (metric, reason)
        if key not in self._rejected and len(self._rejected) < 1000:
            self._rejected.add(key)
            logger.error("metrics: a value was dropped (a bug; logged once): %s", reason)

    def add_collector(self, collector: Collector) -> None:
        """A scrape-time collector (e.g. `QueueCollector`), read only by the process answering /metrics."""
        self._scrape_collectors.append(collector)
        if self.multiprocess is None:
            self.registry.register(collector)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric (all processes in multiprocess mode)."""
        return bytes(generate_latest(self._scrape_registry()))

    def _scrape_registry(self) -> CollectorRegistry:
        if self.multiprocess is None:
            return self.registry
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess)  # type: ignore[no-untyped-call]  # untyped upstream
        for collector in self._scrape_collectors:
            registry.register(collector)
        return registry

    def process_exited(self, pid: int | None = None) -> None:
        """Multiprocess mode: drop the live gauges of an exited process (call at clean shutdown)."""
        if self.multiprocess is not None:
            mark_process_dead(os.getpid() if pid is None else pid, self.multiprocess)  # type: ignore[no-untyped-call]  # untyped upstream

    def _lookup(self, name: str, kind: str) -> tuple[MetricSpec, _Instrument]:
        found = self._instruments.get(name)
        if found is None or found[0].kind != kind:
            raise ValueError(f"{name} is not a {kind} of the metric catalogue")
        return found


class QueueCollector(Collector):
    """The "collected" gauges: queue jobs by state, the oldest waiting job's age, reviews past deadline."""

    def __init__(self, signals: Callable[[], QueueSignals], on_error: Callable[[Exception], None]) -> None:
        self._signals = signals
        self._on_error = on_error

    def describe(self) -> Iterator[Metric]:
        return iter(())  # nothing at registration time: reading the database then is not wanted

    def collect(self) -> Iterator[Metric]:
        try:
            found = self._signals()
        except Exception as exc:  # the database is down: the scrape still answers, without these families
            self._on_error(exc)
            return
        jobs = GaugeMetricFamily("tfreview_queue_jobs", _help("tfreview_queue_jobs"), labels=["state"])
        for state, number in (("queued", found.queued), ("running", found.running), ("dead", found.dead)):
            jobs.add_metric([state], number)
        yield jobs
        yield GaugeMetricFamily(
            "tfreview_queue_oldest_age_seconds",
            _help("tfreview_queue_oldest_age_seconds"),
            value=found.oldest_queued_age_seconds,
        )
        yield GaugeMetricFamily(
            "tfreview_reviews_past_deadline", _help("tfreview_reviews_past_deadline"), value=found.reviews_past_deadline
        )


def _help(name: str) -> str:
    return next(spec.help for spec in CATALOGUE if spec.name == name)


def _instrument(spec: MetricSpec, registry: CollectorRegistry) -> _Instrument | None:
    labels = list(spec.label_names)
    if spec.kind == "counter":
        return Counter(spec.name.removesuffix("_total"), spec.help, labels, registry=registry)
    if spec.kind == "histogram":
        return Histogram(spec.name, spec.help, labels, registry=registry, buckets=spec.buckets)
    if spec.kind == "gauge":
        return Gauge(spec.name, spec.help, labels, registry=registry, multiprocess_mode=spec.multiprocess)
    return None  # "collected": QueueCollector


def _labelled(instrument: Any, spec: MetricSpec, labels: dict[str, str]) -> Any:
    if not spec.labels:
        if labels:
            raise ValueError(f"{spec.name} takes no labels")
        return instrument
    if set(labels) != set(spec.label_names):
        raise ValueError(f"{spec.name} takes labels {', '.join(spec.label_names)}, got {', '.join(sorted(labels))}")
    for label, allowed in spec.labels:
        value = labels[label]
        if allowed and value not in allowed:
            raise ValueError(f"{spec.name}: {label}={value!r} is not one of {', '.join(allowed)}")
        if not allowed and not _FREE_VALUE.fullmatch(value):
            raise ValueError(f"{spec.name}: {label} value is not a bounded name")
    return instrument.labels(**labels)
