"""Every parser of user text answers a value or a `UsageError`, nothing else (hypothesis).

Durations, ticket references, group names, dates, `stats --since/--until`, emails and agents,
config values and whole config files: whatever a person types (or a file holds), the tool says one line and exits 2, or
gets on with a value it can use. Then the SLA rule: the queue's order does not depend on the
order the tickets came in.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import example, given, settings
from hypothesis import strategies as st

from govpress_support.core import config
from govpress_support.core.config import GroupSettings, Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.groups import group_name
from govpress_support.core.models import PRIORITIES, SlaMetric, Ticket
from govpress_support.core.numbers import MAX_ID, whole_number
from govpress_support.core.refs import ME, NOBODY, parse_agent_ref, parse_email, parse_ticket_ref, ticket_id_in
from govpress_support.core.sla import Urgency, in_queue_order
from govpress_support.core.timeutil import MAX_DURATION, parse_duration, parse_iso, parse_since, parse_until
from tests.core.test_sla import NOW
from tests.core.test_sla import ticket as sla_ticket  # the SLA tests' hand-made ticket

T = TypeVar("T")

# Fast and steady on a loaded 2-core machine: a modest number of examples, no per-example deadline.
QUICK = settings(max_examples=150, deadline=None)

DESK = "https://govpress.zendesk.com"

# Text near the accepted forms finds more edges than arbitrary text alone: digits of every kind
# (², ٣, １), signs, units, separators, huge numbers, URL pieces.
NEAR = st.text(alphabet="0123456789²٣１#-+ .:/dhmsDHMS\t\n\x00é@", max_size=40)
BIG_NUMBERS = st.integers(min_value=-(10**30), max_value=10**40).map(str) | st.integers(4290, 4400).map(
    lambda n: "9" * n  # around int()'s 4,300-digit limit
)
USER_TEXT = st.one_of(st.text(max_size=60), NEAR, BIG_NUMBERS)


def value_or_usage_error(parse: Callable[[str], T], text: str) -> T | None:
    """`parse(text)`, or None when it raised a UsageError; any other exception fails the test."""
    try:
        return parse(text)
    except UsageError as error:
        line = error.one_line()
    assert line, "a usage error says what was wrong"
    assert "\n" not in line
    return None


@QUICK
@given(USER_TEXT | st.from_regex(r"\A[0-9]{1,20}[dhms]?([0-9]{1,20}[dhms])?\Z"))
@example("999999999999d")  # the cases the issue found
@example("²")
@example("")
def test_durations(text: str) -> None:
    duration = value_or_usage_error(parse_duration, text)
    if duration is not None:
        assert timedelta(0) < duration <= MAX_DURATION


@QUICK
@given(
    USER_TEXT
    | st.integers(min_value=0, max_value=2**70).map(lambda n: f"#{n}")
    | st.builds(
        lambda host, n: f"https://{host}/agent/tickets/{n}",
        st.sampled_from(["govpress.zendesk.com", "evil.example", "GOVPRESS.zendesk.com:443", "x:99999", "[::1"]),
        st.integers(min_value=0, max_value=2**70),
    )
)
@example("9" * 5000)
@example("99999999999999999999")
@example("https://evil.example/agent/tickets/4012")
def test_ticket_references(text: str) -> None:
    ticket = value_or_usage_error(lambda t: parse_ticket_ref(t, desk=DESK), text)
    if ticket is not None:
        assert 1 <= ticket <= MAX_ID
        assert ticket_id_in(text) == ticket
    shape = ticket_id_in(text)  # never raises
    assert shape is None or 1 <= shape <= MAX_ID


@QUICK
@given(USER_TEXT)
@example("99999999999999999999")
@example("²")
def test_group_names(text: str) -> None:
    name = value_or_usage_error(lambda t: group_name(GroupSettings(), t), text)
    if name is not None:
        assert name and name == name.strip()


@QUICK
@given(
    st.text(max_size=40)
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    | st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2}|Z)?\Z")
)
@example("9999-12-31T23:59:59-01:00")  # past datetime's range once in UTC
def test_dates_are_a_utc_time_or_nothing(text: str) -> None:
    parsed = parse_iso(text)
    assert parsed is None or parsed.tzinfo is not None


MOMENT_NOW = datetime(2026, 11, 26, 14, 20, 20, tzinfo=UTC)
MOMENTS = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.from_regex(r"\A[0-9]{1,25} ?[wWdhms]\Z"),
    st.text(alphabet="0123456789²٣１-+:TZtz wW", max_size=30),
)


@QUICK
@given(USER_TEXT | MOMENTS)
@example("9999-12-31")  # its whole day ends past what a datetime holds
@example("0001-01-01")
@example("99999999999999999999w")
@example("0w")
@example("²w")
@example("٣d")
@example("9" * 5000 + "d")
@example("9999-12-31T23:59:59-01:00")
@example("2026-02-30")
def test_since_and_until(text: str) -> None:
    for parse in (parse_since, parse_until):
        moment = value_or_usage_error(functools.partial(parse, reference=MOMENT_NOW), text)
        if moment is not None:
            assert moment.tzinfo is not None
            assert MOMENT_NOW - moment <= MAX_DURATION, "a window starts at most a year back"


@QUICK
@given(USER_TEXT | st.emails())
def test_emails_and_agents(text: str) -> None:
    email = value_or_usage_error(parse_email, text)
    if email is not None:
        assert email.count("@") == 1 and not any(c.isspace() for c in email)
    agent = value_or_usage_error(parse_agent_ref, text)
    assert agent is None or agent in (ME, NOBODY) or "@" in agent


@QUICK
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.builds(lambda n, rest: f"## #{n}{rest}", BIG_NUMBERS | NEAR, st.text(max_size=10)),
            st.just("# a comment"),
        ),
        max_size=8,
    ).map("\n".join)
)
def test_handover_notes_files(text: str) -> None:
    from govpress_support.workflows.handover import notes

    found = value_or_usage_error(lambda t: notes.parse(t, [1, 2, 4012]), text)
    assert found is None or set(found) <= {1, 2, 4012}


@QUICK
@given(USER_TEXT)
def test_whole_numbers(text: str) -> None:
    number = whole_number(text)  # never raises
    assert number is None or 0 <= number <= MAX_ID


SETTINGS = [(section, f.name) for section in config.SECTIONS for f in fields(getattr(Settings(), section))]
CONFIG_VALUES: st.SearchStrategy[Any] = st.one_of(
    USER_TEXT,
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.integers(), max_size=2),
)


@QUICK
@given(st.sampled_from(SETTINGS), CONFIG_VALUES)
@example(("http", "timeout"), -1)
@example(("http", "timeout"), float("nan"))
@example(("http", "timeout"), "inf")
@example(("http", "timeout"), 0)
@example(("http", "max_retries"), -3)
@example(("zendesk", "metadata_cache_seconds"), "²")
@example(("rota", "url"), "http://[::1")
def test_config_values(setting: tuple[str, str], value: Any) -> None:
    section, key = setting
    loaded = value_or_usage_error(
        lambda v: config.load(Path("/nonexistent/config.toml"), environ={}, overrides={section: {key: v}}), value
    )
    if loaded is not None and isinstance(getattr(Settings(), section).__dict__[key], int | float):
        number = getattr(getattr(loaded, section), key)
        assert number == number and abs(number) != float("inf")  # never nan or infinite


@QUICK
@given(
    st.binary(max_size=200)
    | st.sampled_from(SETTINGS).flatmap(
        lambda s: CONFIG_VALUES.map(lambda v: f"[{s[0]}]\n{s[1]} = {_toml(v)}\n".encode())
    )
)
@example(b'[http]\ntimeout = "caf\xe9"\n')  # not UTF-8
def test_whole_config_files(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "config.toml"
        path.write_bytes(content)
        value_or_usage_error(lambda p: config.load(Path(p), environ={}, named="--config"), str(path))


def _toml(value: Any) -> str:
    """A TOML rendering good enough to reach the validator (or the TOML error) with `value`."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


# --- the SLA order -----------------------------------------------------------------------------

OFFSETS = st.integers(min_value=-5000, max_value=5000).map(lambda m: NOW + timedelta(minutes=m))
METRICS = st.builds(
    SlaMetric,
    metric=st.sampled_from(["first_reply_time", "next_reply_time", "periodic_update_time", "agent_work_time"]),
    stage=st.sampled_from(["active", "breached", "paused", "achieved", "something_new"]),
    breach_at=st.none() | OFFSETS,
)


@st.composite
def tickets(draw: st.DrawFn) -> list[Ticket]:
    count = draw(st.integers(min_value=0, max_value=25))
    ids = draw(st.lists(st.integers(min_value=1, max_value=10**6), min_size=count, max_size=count, unique=True))
    return [
        sla_ticket(
            tid,
            *draw(st.lists(METRICS, max_size=3)),
            priority=draw(st.sampled_from([*PRIORITIES, None])),
            due=draw(st.none() | OFFSETS),
            updated=draw(st.none() | OFFSETS),
            slas=draw(st.booleans()),
        )
        for tid in ids
    ]


@QUICK
@given(tickets().flatmap(lambda found: st.tuples(st.just(found), st.permutations(found))))
def test_sla_order_is_the_same_whatever_order_the_tickets_came_in(pair: tuple[list[Ticket], list[Ticket]]) -> None:
    found, shuffled = pair
    ordered = in_queue_order(found, NOW)
    assert [t.id for t, _ in in_queue_order(shuffled, NOW)] == [t.id for t, _ in ordered]
    tiers = [sla.urgency for _, sla in ordered]
    assert tiers == sorted(tiers), "breached, then active, then paused, then no SLA"
    for tier in (Urgency.BREACHED, Urgency.ACTIVE):
        times = [sla.breach_at for _, sla in ordered if sla.urgency is tier]
        assert all(t is not None for t in times)
        assert times == sorted(times), f"{tier.name}: breach times ascending"
    for _, sla in ordered:
        if sla.urgency is Urgency.BREACHED:
            assert sla.breach_at is not None and sla.breach_at <= NOW
        if sla.urgency is Urgency.ACTIVE:
            assert sla.breach_at is not None and sla.breach_at > NOW
