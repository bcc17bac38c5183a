"""Taking a weekly task against the sandbox's Week in Progress board: join the card (and the
board first when needed), move it to Doing, and nothing the second time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from govpress_support.core.config import Settings, TrelloSettings
from govpress_support.core.errors import UsageError
from govpress_support.services.connect import Clients
from govpress_support.services.trello import TrelloClient
from govpress_support.workflows.cards.weekly import plan_take, take
from tests.desk import Desk
from tests.seed_names import FREE_WEEKLY_TASK, ME, TAKEN_WEEK_CARD, WEEK


@pytest.fixture
def trello(isolated: Path, desk: Desk) -> Iterator[TrelloClient]:
    clients = Clients(Settings(), sandbox=True, state_dir=isolated, environ={})
    yield clients.trello
    clients.close()


def list_of(desk: Desk, name: str) -> str:
    card = next(c for c in desk.cards(WEEK) if c["name"] == name)
    return {v: k for k, v in desk.lists(WEEK).items()}[card["idList"]]


def test_taking_a_task_joins_board_and_card_and_moves_it_to_doing(desk: Desk, trello: TrelloClient) -> None:
    assert not desk.on_board(WEEK)
    plan = plan_take(trello, TrelloSettings(), "backups")  # a part of the name only it has
    assert plan.card.name == FREE_WEEKLY_TASK and plan.join_board and plan.joins_card and plan.moves
    assert plan.others == ()
    result = take(trello, plan)
    assert result.list_name == "Doing" and result.members == (ME.name,)
    assert desk.on_board(WEEK)
    assert list_of(desk, FREE_WEEKLY_TASK) == "Doing"
    me = desk.trello_me()["id"]
    assert me in next(c for c in desk.cards(WEEK) if c["name"] == FREE_WEEKLY_TASK)["idMembers"]

    again = plan_take(trello, TrelloSettings(), plan.card.short_url)  # by URL, the second time
    assert not again.to_do and again.steps() == []


def test_a_card_someone_has_is_named_with_them(desk: Desk, trello: TrelloClient) -> None:
    plan = plan_take(trello, TrelloSettings(), TAKEN_WEEK_CARD)
    assert plan.others == ("Morgan Lee",)
    assert not plan.moves  # already in Doing


def test_without_a_doing_list_the_card_stays_put(desk: Desk, trello: TrelloClient) -> None:
    settings = replace(TrelloSettings(), doing_list="In progress")  # the Week board has none
    plan = plan_take(trello, settings, FREE_WEEKLY_TASK)
    assert plan.doing is None and not plan.moves
    result = take(trello, plan)
    assert result.list_name == "Weekly tasks"
    assert list_of(desk, FREE_WEEKLY_TASK) == "Weekly tasks"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("no such job", "no card 'no such job' on"),
        ("review", "'review' matches 2 cards"),  # uptime alerts, Dependabot pull requests
    ],
)
def test_a_card_that_is_not_one_or_is_several_is_a_usage_error(trello: TrelloClient, value: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        plan_take(trello, TrelloSettings(), value)
