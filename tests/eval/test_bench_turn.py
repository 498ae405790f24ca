"""``aisle bench turn``'s figures from turn records: the model's step, the non-LLM part, the
stages, the percentiles and the goals, on hand-made records with hand-worked numbers."""

from __future__ import annotations

from eval.bench_turn import TurnTiming, percentile, timing_report
from eval.harness.driver import StepRecord, TurnRecord


def turn(seconds: float, steps: list[tuple[str, float]]) -> TurnRecord:
    return TurnRecord(
        index=1,
        message="m",
        seconds=seconds,
        steps=[StepRecord(tool=t, ms=ms, ok=True) for t, ms in steps],
    )


def test_a_turn_splits_into_model_and_stages() -> None:
    timing = TurnTiming.of(
        turn(
            5.0,
            [
                ("read_message", 2.0),
                ("choose_action", 4600.0),
                ("search_products", 100.0),
                ("rank_products", 200.0),
                ("get_user_details", 8.0),
            ],
        )
    )
    assert timing.model_s == 4.6
    assert round(timing.non_llm_ms, 6) == 400.0
    assert timing.stages_ms == {
        "read": 2.0,
        "retrieval": 100.0,
        "ranking": 200.0,
        "service": 8.0,
        "other": 90.0,
    }


def test_percentiles_and_goals() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0
    records = [turn(0.2, [("search_products", 50.0)]) for _ in range(8)]
    records += [turn(9.0, [("choose_action", 8800.0)]), turn(25.0, [("choose_action", 24800.0)])]
    report = timing_report(
        records,
        model="m",
        consult="when_unsure",
        ranker="r",
        conversations=3,
        load_before=[1.0, 1.0, 1.0],
        pass_rate=1.0,
    )
    assert report.turns == 10 and report.consulted["turns"] == 2
    assert report.consulted["share"] == 0.2
    assert report.full_s["p50"] == 0.2 and report.full_s["p95"] == 25.0
    assert report.non_llm_ms["p50"] == 200.0
    assert report.goals["full_p50_met"] and not report.goals["full_p95_met"]
    assert report.goals["non_llm_p50_met"]
