"""The live message budget: one cap across processes, a share for each region x version's core checks first."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from contracts.live import CORE_NEEDS, MessageBudget, budget_plan, part_of

SHARES = ("us/2.11", "eu/2.11", "au/2.11")


def test_breadth_cannot_spend_the_shares_of_the_core_checks(tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "b", 20, shares=["us/2.11", "eu/2.11", "au/2.11"])  # 3 each, 11 free
    taken_by_breadth = sum(budget.take() for _ in range(50))
    assert taken_by_breadth == 11
    assert budget.spent()  # nothing left outside the shares
    for share in ("us/2.11", "eu/2.11", "au/2.11"):
        assert [budget.take(share) for _ in range(4)] == [True, True, True, False]
    assert budget.used == 20


def test_a_share_released_is_free_for_the_rest_and_a_refusal_gives_back(tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "b", 4, shares=["us/2.11", "eu/2.11"])  # 1 each, 2 free
    assert budget.take("us/2.11")
    budget.release("eu/2.11")
    assert [budget.take() for _ in range(4)] == [True, True, True, False]
    budget.give_back()  # that message was refused: nothing was created
    assert budget.take()
    assert budget.used == 4


def test_a_cap_smaller_than_the_shares_gives_one_each_first(tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "b", 3, shares=["us/2.11", "eu/2.11", "au/2.11"])
    assert not budget.take()  # breadth gets nothing before each region had its one
    assert all(budget.take(share) for share in ("us/2.11", "eu/2.11", "au/2.11"))


def test_at_the_defaults_every_core_check_of_every_region_has_its_part() -> None:
    plan = budget_plan(20, SHARES)
    assert sum(plan.values()) <= 20
    for share in SHARES:
        for purpose, need in CORE_NEEDS:
            assert plan[part_of(share, purpose)] >= need, (share, purpose)


def test_a_cap_too_small_gives_every_region_its_first_checks_before_any_gets_more() -> None:
    plan = budget_plan(4, SHARES)
    assert sum(plan.values()) == 4
    assert [plan[part_of(share, "invalid")] for share in SHARES] == [1, 1, 1]  # the first check, in every region
    assert plan[part_of("us/2.11", "documented")] == 1
    assert plan[part_of("eu/2.11", "documented")] == 0
    assert budget_plan(0, SHARES) == {key: 0 for key in plan}


def test_what_the_core_checks_leave_goes_half_to_the_examples() -> None:
    plan = budget_plan(100, SHARES)
    core = sum(need for _, need in CORE_NEEDS) * len(SHARES)  # 18
    assert plan[part_of("us/2.11", "valid")] == 1 + (100 - core) // 6
    assert sum(plan.values()) <= 100


def test_the_examples_cannot_spend_a_refusal_checks_part(tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "b", 20, plan=budget_plan(20, SHARES))
    valid = part_of("us/2.11", "valid")
    spent_by_examples = sum(budget.take(valid) for _ in range(50))  # a server that accepts every one
    assert spent_by_examples == 1 + 2  # its own part and the free rest
    assert "is spent: 18 of it kept first for each region x version's core checks" in budget.exhausted()
    for share in SHARES:  # every refusal check still finds its message
        assert budget.take(part_of(share, "invalid"))
        assert [budget.take(part_of(share, "documented")) for _ in range(3)] == [True, True, False]
        assert budget.take(part_of(share, "no-token"))
        assert budget.take(part_of(share, "wrong-token"))
    assert budget.used == 18  # the other regions' first valid messages are still held for them
    assert budget.take(part_of("eu/2.11", "valid"))
    assert budget.take(part_of("au/2.11", "valid"))
    assert budget.used == 20
    assert not any(budget.take(part_of(share, purpose)) for share in SHARES for purpose, _ in CORE_NEEDS)


def test_a_refusal_gives_its_message_back_to_its_part_until_the_check_ends(tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "b", 20, plan=budget_plan(20, SHARES))
    documented = part_of("us/2.11", "documented")
    for _ in range(5):  # five documented rejections, each refused: the same part serves them all
        assert budget.take(documented)
        budget.give_back(documented)
    budget.release(documented)
    assert budget.take(documented)  # released: what it left is free for the rest of the run ...
    budget.give_back(documented)  # ... and a refusal after its end goes back to the free part, not to it
    assert [budget.take() for _ in range(5)] == [True, True, True, True, False]  # 2 free + its 2 released
    assert budget.used == 4


def _spend(path: str, results: list[bool]) -> None:  # pragma: no cover - runs in a child process
    budget = MessageBudget(Path(path), 25)
    results.extend([budget.take() for _ in range(20)])


def test_the_cap_holds_across_processes(tmp_path: Path) -> None:
    with multiprocessing.Manager() as manager:
        results = manager.list()
        workers = [multiprocessing.Process(target=_spend, args=(str(tmp_path / "b"), results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sum(results) == 25
