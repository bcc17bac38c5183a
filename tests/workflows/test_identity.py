"""One person per run: the Zendesk agent is "you" in Trello and on the rota too. Trello credentials
of someone else are refused where they would act (start-rotation's boards and card, card create)
and are a failed doctor check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from govpress_support import sandbox
from govpress_support.core import config
from govpress_support.core.errors import AuthError
from govpress_support.services.connect import TRELLO, Clients
from govpress_support.services.http import HttpClient
from govpress_support.services.trello import TrelloClient, oauth_header
from govpress_support.workflows.cards.link import plan_tickets, resolve_destination
from govpress_support.workflows.rotation.doctor import check_trello
from govpress_support.workflows.rotation.start import StepKind, plan_rotation
from tests.desk import Desk
from tests.seed_names import PRIYA, SEED, TOM


@pytest.fixture
def as_tom(isolated: Path, desk: Desk) -> Iterator[Clients]:
    """Tom's Zendesk, in-process."""
    app = sandbox.open_app(isolated)
    made = Clients(
        config.load(isolated / "none.toml", {}),
        sandbox=True,
        state_dir=isolated,
        environ={"ZENDESK_EMAIL": TOM.email},
        transport=app.transport(),
    )
    yield made
    made.close()
    app.close()


@pytest.fixture
def priyas_trello(desk: Desk) -> Iterator[TrelloClient]:
    """Trello with Priya's token: someone else's credentials."""
    http = HttpClient(
        TRELLO,
        sandbox.TRELLO_URL,
        headers=oauth_header(sandbox.TRELLO_KEY, sandbox.trello_token_for(PRIYA.email)),
        transport=desk.transport(),
    )
    yield TrelloClient(http)
    http.close()


MISMATCH = (
    "Zendesk says you are Tom Hughes <tom.hughes@govpress.example>, but the Trello token is "
    "Priya Shah's <priya.shah@govpress.example>"
)


def test_doctor_fails_the_trello_login(as_tom: Clients, priyas_trello: TrelloClient) -> None:
    [check] = check_trello(priyas_trello, as_tom.settings, as_tom.zendesk.me())
    assert (check.name, check.ok, check.detail) == ("Trello login", False, MISMATCH)
    assert check.fix is not None and "auth login trello" in check.fix


def test_start_rotation_leaves_trello_alone(as_tom: Clients, priyas_trello: TrelloClient) -> None:
    plan = plan_rotation(as_tom.zendesk, priyas_trello, None, as_tom.settings, today=date.today(), first_time=True)
    assert [s.kind for s in plan.steps if s.kind in (StepKind.JOIN_BOARD, StepKind.COPY_TEMPLATE)] == []
    assert any(b.startswith(MISMATCH) for b in plan.blocked)


def test_card_create_refuses(as_tom: Clients, priyas_trello: TrelloClient) -> None:
    from govpress_support.core.timeutil import now

    destination = resolve_destination(priyas_trello, as_tom.settings)
    with pytest.raises(AuthError, match="but the Trello token is Priya Shah's") as refused:
        plan_tickets(as_tom.zendesk, priyas_trello, as_tom.settings, destination, [SEED.mine_open], now=now())
    assert refused.value.exit_code == 4


def test_the_same_person_passes(as_tom: Clients) -> None:
    assert as_tom.trello.me().email == TOM.email  # the in-process sandbox's Trello follows ZENDESK_EMAIL
    [login, *_] = check_trello(as_tom.trello, as_tom.settings, as_tom.zendesk.me())
    assert login.ok and "Tom Hughes" in login.detail
