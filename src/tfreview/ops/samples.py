"""Where the watchdog's samples come from: the same Prometheus text the /metrics scrape answers.

Reading the exposition (not the registry objects) means the watchdog sees exactly what Prometheus sees:
every process of the host in multiprocess mode, the database-derived gauges, the histogram buckets
with their `le` labels as Prometheus spells them. `_created` series are left out (they are not values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tfreview.ops.series import Sample


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
