"""The counter and histogram series the alert table reads, made to exist at 0 from process start.

Prometheus' `increase()` and `rate()` need two samples of a series. A labelled counter's series appears
the first time it is incremented, already at 1, so `increase(x_total{outcome="error"}[5m]) > 0` sees no
increase for a process's first failure (and never fires for a process that fails once and goes quiet).
prometheus-client exports an unlabelled counter at 0 from registration; a labelled one only once its
label set is used. So at start the recorder creates (at 0) every label set that an `increase`, `rate`
or `ratio` row's selection reads (docs/adr/0614-alerted-series-start-at-zero.md):

    bounded labels      every allowed value of the catalogue that the selection matches
    free-form labels    the values the selection names exactly, plus the values the caller knows
                        (`known`: job kinds, reconciler names, audited tables... from the wiring)
                        that match its pattern
    neither             the selection cannot be enumerated: nothing made for it (`not_enumerable`)

Histograms (a `_bucket` or `_count` selection) are made per label set without `le`: every bucket at 0.
A ratio's denominator is not enumerated: it includes the numerator's series, so once the numerator
moves from 0 the denominator moves too. Standard library only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from tfreview.ops.alert_table import AlertTable, Selector
from tfreview.ops.metric_catalogue import BY_NAME, MetricSpec

Labels = tuple[tuple[str, str], ...]
Known = Mapping[str, Mapping[str, tuple[str, ...]]]  # metric → label → values seen in the code

READ_OVER_TIME = ("increase", "rate", "ratio")
_HISTOGRAM_SERIES = ("_bucket", "_count", "_sum")


@dataclass(frozen=True, slots=True)
class ZeroSeries:
    """What to create at start (`series`, metric name as catalogued) and the alert rows whose selection
    could not be enumerated (their first events are seen only from the second scrape on)."""

    series: tuple[tuple[str, Labels], ...]
    not_enumerable: tuple[str, ...]


def zero_series(table: AlertTable, known: Known | None = None) -> ZeroSeries:
    found: dict[tuple[str, Labels], None] = {}
    missing: list[str] = []
    for rule in table:
        if rule.condition.kind not in READ_OVER_TIME:
            continue
        spec, selector = _catalogued(rule.condition.selector)
        if spec is None or spec.kind not in ("counter", "histogram"):
            continue
        enumerated = _label_sets(spec, selector, (known or {}).get(spec.name, {}))
        if enumerated is None:
            missing.append(rule.id)
            continue
        for labels in enumerated:
            found[(spec.name, labels)] = None
    return ZeroSeries(tuple(found), tuple(missing))


def _catalogued(selector: Selector) -> tuple[MetricSpec | None, Selector]:
    """The catalogue entry of the selection's metric (a histogram for its `_bucket`/`_count`/`_sum`), and
    the selection without the `le` of a bucket."""
    if selector.metric in BY_NAME:
        return BY_NAME[selector.metric], selector
    for suffix in _HISTOGRAM_SERIES:
        base = selector.metric.removesuffix(suffix)
        if selector.metric.endswith(suffix) and base in BY_NAME and BY_NAME[base].kind == "histogram":
            labels = tuple((key, value) for key, value in selector.labels if key != "le")
            patterns = tuple((key, value) for key, value in selector.patterns if key != "le")
            return BY_NAME[base], Selector(base, labels, patterns)
    return None, selector


def _label_sets(spec: MetricSpec, selector: Selector, known: Mapping[str, tuple[str, ...]]) -> list[Labels] | None:
    """Every label set of `spec` that `selector` selects, or None when a free-form label has no candidate."""
    exact = dict(selector.labels)
    choices: list[tuple[str, ...]] = []
    for label, allowed in spec.labels:
        named = (exact[label],) if label in exact else ()
        candidates = allowed or tuple(dict.fromkeys((*known.get(label, ()), *named)))
        if not candidates:
            return None
        choices.append(candidates)
    names = spec.label_names
    sets = [tuple(zip(names, values, strict=True)) for values in itertools.product(*choices)]
    chosen = [labels for labels in sets if selector.selects(selector.metric, dict(labels))]
    return chosen or None
