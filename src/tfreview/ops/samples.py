"""Where the watchdog's samples come from: the same collectors the /metrics scrape renders.

`registry_samples` reads the registry's collectors directly (no text rendered, none parsed: the tick's
cost, benchmarks/watchdog.py), which is exactly what Prometheus sees: every process of the host in
multiprocess mode, the database-derived gauges, the histogram buckets with their `le` labels as
Prometheus spells them (a test compares it with the parsed scrape). `_created` series are left out.
`exposition_samples` parses a scrape's text (tests and tools that only have the text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tfreview.ops.series import Sample


def registry_samples(read: Callable[[], Iterable[tuple[str, dict[str, str], float]]]) -> Callable[[], list[Sample]]:
    def source() -> list[Sample]:
        return [Sample.of(name, labels, value) for name, labels, value in read()]

    return source


def exposition_samples(exposition: Callable[[], bytes]) -> Callable[[], Iterable[Sample]]:
    def source() -> list[Sample]:
        return parse_exposition(exposition().decode("utf-8"))

    return source


def parse_exposition(text: str) -> list[Sample]:
    from prometheus_client.parser import text_string_to_metric_families

    found = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue
            found.append(Sample.of(sample.name, sample.labels, sample.value))
    return found
