"""The live message budget: one cap across processes, a share for each region x version's core checks first."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from contracts.live import MessageBudget


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
