"""bench/load.py ends with one line against issue 20's goals: 0 errors, 0 lost updates, every p95 under 300 ms."""

from bench.load import verdict


def test_a_run_within_every_goal_is_met_and_names_its_slowest_kind():
    line = verdict({"Thurrock plan page": 212.0, "save a rating (htmx)": 140.0}, errors=0, lost=0)
    assert line.startswith("verdict: MET")
    assert "slowest p95 Thurrock plan page 212 ms" in line


def test_one_kind_at_300_ms_or_over_misses_the_goal_and_is_named():
    line = verdict({"Thurrock plan page": 483.0, "Thurrock dashboard": 300.0, "rating form": 90.0}, 0, 0)
    assert line.startswith("verdict: NOT MET")
    assert line.endswith("Thurrock plan page p95 483 ms; Thurrock dashboard p95 300 ms")


def test_errors_and_lost_updates_miss_the_goal_however_fast():
    line = verdict({"rating form": 50.0}, errors=2, lost=1)
    assert line.startswith("verdict: NOT MET")
    assert "2 errors; 1 lost updates" in line
