"""Every parser of user text answers a value or a `UsageError`, nothing else (hypothesis).

Durations, ticket and suspended ticket references, group names, dates, `stats --since/--until`,
due dates, macro names, emails and agents, handover notes files (your tickets' sections and the
note-only ones), numbers, config values and whole config files: whatever a person types (or a
file holds), the tool says one line and exits 2, or gets on with a value it can use. Then the SLA
rule: the queue's order does not depend on the order the tickets came in.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import example, given, settings
from hypothesis import strategies as st

from govpress_support.core import config
from govpress_support.core.config import GroupSettings, Settings
from govpress_support.core.dates import MAX_AHEAD, parse_due_day
from govpress_support.core.errors import UsageError
from govpress_support.core.groups import group_name
from govpress_support.core.models import PRIORITIES, Macro, SlaMetric, Ticket
from govpress_support.core.numbers import MAX_ID, decimal_number, whole_number
from govpress_support.core.refs import (
    ME,
    NOBODY,
    parse_agent_ref,
    parse_email,
    parse_suspended_ids,
    parse_ticket_ref,
    ticket_id_in,
)
from govpress_support.core.sla import Urgency, in_queue_order
from govpress_support.core.timeutil import MAX_DURATION, parse_duration, parse_iso, parse_since, parse_until
from govpress_support.workflows.handover import notes as handover_notes
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
@given(st.lists(USER_TEXT | st.integers(min_value=0, max_value=2**70).map(str), max_size=4))
@example(["²"])
@example(["70002", " 70002 ", "070002"])
@example(["9" * 5000])
@example([])
def test_suspended_ticket_ids(texts: list[str]) -> None:
    ids = value_or_usage_error(parse_suspended_ids, texts)
    if ids is not None:
        assert ids and len(set(ids)) == len(ids)
        assert all(1 <= i <= MAX_ID for i in ids)


DUE_TEXT = st.one_of(
    USER_TEXT,
    st.from_regex(r"\A\+[0-9]{1,5}[dwDW]\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.dates().map(date.isoformat),
    st.sampled_from(["today", "Tomorrow", "none", "clear", "fri", "Friday.", "mo", "+٣d", "+²d", "2026-02-30"]),
)


@QUICK
@given(DUE_TEXT, st.dates())
@example("+9999w", date.max)  # past the calendar's end
@example("friday", date.max)
@example("tomorrow", date.max)
@example("+3d", date(2026, 12, 1))
def test_due_dates(text: str, today: date) -> None:
    day = value_or_usage_error(lambda t: parse_due_day(t, today), text)
    if day is not None:
        assert today <= day <= today + MAX_AHEAD


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


MINE, OTHERS = [1, 2, 4012], [77, 4013]  # tickets handed over; others' tickets that may get a note only


@QUICK
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.builds(lambda n, rest: f"## #{n}{rest}", BIG_NUMBERS | NEAR, st.text(max_size=10)),
            st.just("# a comment"),
            # the note-only part of the template: its divider, a section and its "note only" line
            st.just(handover_notes.OTHERS_DIVIDER),
            st.builds(lambda n: f"## #{n} Someone else's ticket", st.sampled_from(OTHERS)),
            st.just("# note only · Open · normal · SLA: none · due: -"),
        ),
        max_size=8,
    ).map("\n".join)
)
@example("## #" + "9" * 5000 + "\n" + handover_notes.OTHERS_DIVIDER)
@example("## #77 x\nnote\n## #²\n")
def test_handover_notes_files(text: str) -> None:
    found = value_or_usage_error(lambda t: handover_notes.parse(t, [*MINE, *OTHERS]), text)
    assert found is None or set(found) <= {*MINE, *OTHERS}
    named = handover_notes.named(text)  # never raises: it decides whether to read the others' tickets
    assert all(0 <= i <= MAX_ID for i in named)
    assert found is None or set(found) <= named


# A line of a note: anything but a line break, and not a comment (a line starting with '#').
NOTE_LINE = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
    max_size=20,
).filter(lambda line: not line.startswith("#"))


@QUICK
@given(st.lists(st.lists(NOTE_LINE, max_size=4), min_size=len(MINE + OTHERS), max_size=len(MINE + OTHERS)))
def test_the_notes_template_with_note_only_tickets_reads_back(bodies: list[list[str]]) -> None:
    """Whatever is written under each section of the template (yours, then the others' marked
    note only) is what the parser reads back, for each ticket, and nothing for an empty one."""
    shown = [handover_notes.TemplateTicket(i, f"Ticket {i}", "Open · normal") for i in MINE + OTHERS]
    template = handover_notes.template(shown[: len(MINE)], ["Handover notes"], shown[len(MINE) :])
    filled: list[str] = []
    written: dict[int, str] = {}
    for line in template.splitlines():
        filled.append(line)
        if line.startswith("## #"):
            ticket = int(line.split()[1][1:])
            lines = [part.rstrip() for part in bodies[(MINE + OTHERS).index(ticket)]]
            filled += lines
            while lines and not lines[0]:
                lines.pop(0)
            while lines and not lines[-1]:
                lines.pop()
            if lines:
                written[ticket] = "\n".join(lines)
    assert handover_notes.parse("\n".join(filled), [*MINE, *OTHERS]) == written


MACROS = [
    Macro(360001, "Pending believed solved"),
    Macro(360002, "Ask for more detail"),
    Macro(360003, "Scoped: moving to scoping"),
    Macro(360004, "Ask for more time"),
]


@QUICK
@given(USER_TEXT | st.sampled_from(["360002", "pending", "ASK FOR MORE", "ask for more detail", "²", "٣٦"]))
@example("9" * 5000)
def test_macro_names_and_ids(text: str) -> None:
    from govpress_support.workflows.tickets.macros import find_macro

    macro = value_or_usage_error(lambda t: find_macro(MACROS, t), text)
    assert macro is None or macro in MACROS


@QUICK
@given(USER_TEXT)
def test_whole_numbers(text: str) -> None:
    number = whole_number(text)  # never raises
    assert number is None or 0 <= number <= MAX_ID
    seconds = decimal_number(text)  # the seconds a service asks to wait: never raises, never nan
    assert seconds is None or seconds >= 0
    assert seconds is None or text.strip().isascii()


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
