"""The compressed clock of rehearsals: durations scale, counts and rates do not, 1.0 is the table as written."""

from __future__ import annotations

import pytest

from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.time_scale import scaled_seconds, scaled_table

TABLE = load_alert_table()


def test_durations_scale_and_counts_do_not() -> None:
    scaled = scaled_table(TABLE, 0.05)
    spike, silence = scaled.by_id("signature-failure-spike"), scaled.by_id("webhook-silence-github")
    assert spike.condition.window_seconds == 15  # 300 s
    assert spike.condition.threshold == TABLE.by_id("signature-failure-spike").condition.threshold  # a count
    assert silence.condition.threshold == pytest.approx(21600 * 0.05)  # an age is a duration
    assert scaled.by_id("db-locked").for_seconds == 6  # 120 s
    assert scaled.by_id("notifier-failures").for_seconds == 0  # zero stays zero
    assert scaled_table(TABLE, 1.0) is TABLE
    assert [rule.id for rule in scaled] == [rule.id for rule in TABLE]


def test_never_below_a_second_and_only_compressed() -> None:
    assert scaled_seconds(60, 0.0001) == 1
    for bad in (0.0, 1.5, -1.0):
        with pytest.raises(ValueError, match="time scale"):
            scaled_table(TABLE, bad)
