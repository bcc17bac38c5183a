"""How `stats` looks: a table and a bar chart by day on a terminal, Markdown for the stand-up
(it reads well pasted into Slack: no tables, the chart in a code block), the series by day as
TSV when piped, and `--json`. Subjects and names from Zendesk and the rota are printed only
through `Output`, which shows their control characters and never obeys them (`visible`); here
they are only kept to one line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from govpress_support.cli.output import Column, Mode, Output
from govpress_support.core.sla import metric_name
from govpress_support.core.timeutil import format_duration
from govpress_support.workflows.stats.models import DAY_TSV_FIELDS, Breach, Flow, StatsResult, Tally
from govpress_support.workflows.stats.window import day_label

SHOWN_BREACHES = 10  # on a terminal and in Markdown, still open first; --json has them all
BAR_WIDTH = 10
SERIES = (  # (field, heading, colour)
    ("breaches", "breached", "red"),
    ("fulfilled", "met", "green"),
    ("arrivals", "in", "blue"),
    ("solves", "solved", "cyan"),
)
EIGHTHS = " ▏▎▍▌▋▊▉"
SOURCE_TEXT = {
    "events": "from Zendesk's ticket metric events",
    "metrics": "from ticket metrics (only admins may read the metric events)",
}


def show(out: Output, result: StatsResult, *, markdown: bool = False) -> None:
    if out.mode is Mode.JSON:
        out.json(result.record())
    elif markdown:
        out.text(to_markdown(result))
    elif out.mode is Mode.TSV:
        out.rows(result.day_rows(), [Column(f, f) for f in DAY_TSV_FIELDS])
    else:
        with out.paged():  # taller than the terminal: through the pager, as every listing
            out.print(terminal(out, result))
    for note in result.notes:
        out.note(note)
    if result.source == "metrics" and out.mode is not Mode.TABLE and not markdown:
        out.note(f"source: {SOURCE_TEXT['metrics']}; it cannot count: " + "; ".join(result.cannot_count))
    if result.flow_cannot_count and out.mode is not Mode.TABLE and not markdown:
        out.note("the flow leaves out: " + "; ".join(result.flow_cannot_count))
    exports = [("metric events", result.read, result.source == "events")]
    exports.append(("ticket events", result.ticket_read, result.flow_source == "ticket_events"))
    read_at_all = [(name, read) for name, read, used in exports if used and (read.cached_days or read.fetched_days)]
    for name, read in read_at_all:
        out.note(
            f"{name}: {read.cached_days} day(s) from the cache, {read.fetched_days} read in {read.requests} page(s)"
        )


# --- words -----------------------------------------------------------------------------------------


def _window(result: StatsResult) -> str:
    w = result.window
    return f"{w.label}, {day_label(w.start)} to {day_label(w.end)} UTC"


def _line(text: str) -> str:
    """Service text on one line (a subject or a name with line breaks in it)."""
    return " ".join(text.split())


def _group(result: StatsResult) -> str:
    return _line(result.group) if result.group else "the whole desk"


def _rate(tally: Tally) -> str:
    return "—" if tally.rate is None else f"{tally.rate * 100:.0f}%"


def _counts(tally: Tally) -> str:
    if tally.fulfilled is None:
        return f"{tally.breached} breached; targets met not counted"
    met = f"at least {tally.fulfilled}" if tally.partial else str(tally.fulfilled)
    return f"{met} met, {tally.breached} breached"


def _met(tally: Tally) -> Text:
    return Text("—", style="dim") if tally.fulfilled is None else Text(str(tally.fulfilled))


def _late(b: Breach) -> str:
    return f"{format_duration(b.late_by)} late" + (" and still open" if b.still_open else ", then met")


def _flow(flow: Flow) -> str:
    """`21 in (21 moved in) · 6 solved · 1 believed solved · 2 cascaded on · queue 7 → 20`: moves
    and reopenings only when there were some."""
    arrived = f"{flow.entered} in"
    if flow.moved_in is not None:
        how = [f"{n} {what}" for n, what in ((flow.created_in_group, "created here"), (flow.moved_in, "moved in")) if n]
        arrived += f" ({', '.join(how)})" if how else ""
    parts = [arrived, f"{flow.solved} solved"]
    for count, what in (
        (flow.believed_solved, "believed solved"),
        (flow.reopened, "reopened"),
        (flow.cascaded, "cascaded on"),
        (flow.returned_to_triage, "returned to triage"),
        (flow.moved_out, "moved elsewhere"),
    ):
        if count:
            parts.append(f"{count} {what}")
    parts.append(f"queue {flow.queue_start} → {flow.queue_end}")
    return " · ".join(parts)


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%a %d %b %H:%M")


def _shown(breaches: Sequence[Breach]) -> list[Breach]:
    """Still open first (they need someone now), then those met late; each by when it breached."""
    return sorted(breaches, key=lambda b: (not b.still_open, b.breached_at))[:SHOWN_BREACHES]


def bar(value: int, scale: int, width: int = BAR_WIDTH) -> str:
    """A bar of `value` out of `scale` in eighths of a character; a sliver for any value above 0."""
    if value <= 0 or scale <= 0:
        return ""
    eighths = max(1, round(value / scale * width * 8))
    return "█" * (eighths // 8) + EIGHTHS[eighths % 8].strip()


def _scale(result: StatsResult) -> int:
    return max((getattr(d, field) for d in result.days for field, _, _ in SERIES), default=0)


# --- the terminal ----------------------------------------------------------------------------------


def terminal(out: Output, result: StatsResult) -> RenderableType:
    total = result.total
    head = Text()
    head.append(f"SLA in {_group(result)}", style="bold")
    head.append(f" · {_window(result)} · {SOURCE_TEXT[result.source]}", style="dim")
    parts: list[RenderableType] = [head, Text("")]
    if result.metrics:
        parts.append(_metrics_table(result))
    else:
        parts.append(Text("No SLA targets were met or breached in the window.", style="dim"))
    if result.cannot_count:
        parts.append(Text("Ticket metrics cannot count: " + "; ".join(result.cannot_count) + ".", style="yellow"))
    if result.breaches:
        parts += [Text(""), Text(f"Breached ({total.breached})", style="bold"), _breach_table(out, result.breaches)]
    parts += [Text(""), Text.assemble(("Flow: ", "bold"), _flow(result.flow))]
    if result.flow_cannot_count:
        parts.append(Text("The flow leaves out: " + "; ".join(result.flow_cannot_count) + ".", style="yellow"))
    parts.append(Text(""))
    parts.append(_chart(result, out.console.width))
    return Group(*parts)


def _metrics_table(result: StatsResult) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 2, 0, 0))
    for heading, justify in (("Metric", "left"), ("Met", "right"), ("Breached", "right"), ("Achieved", "right")):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for m in result.metrics:
        table.add_row(m.label, _met(m), Text(str(m.breached), style="red" if m.breached else ""), _rate(m))
    total = result.total
    table.add_row(Text("all", style="bold"), _met(total), str(total.breached), Text(_rate(total), "bold"))
    return table


def _breach_table(out: Output, breaches: Sequence[Breach]) -> RenderableType:
    """The breaches through the renderer's table, which drops the least needed columns first
    on a narrow terminal (who held it, then when it breached)."""

    def ticket(r: Mapping[str, Any]) -> Text:
        cell = Text(f"#{r['ticket_id']}", style="bold")
        if r["url"]:
            cell.stylize(f"link {r['url']}")
        return cell

    def late(r: Mapping[str, Any]) -> Text:
        cell = Text(format_duration(r["late_by"]), style="red")
        cell.append(" still open" if r["still_open"] else " then met", style="dim")
        return cell

    def holder(r: Mapping[str, Any]) -> Text:
        return Text(_line(r["held_by"] or "unassigned"), style="" if r["held_by"] else "dim")

    columns = [
        Column("ticket_id", "Ticket", cell=ticket, justify="right", min_width=6),
        Column("subject", "Subject", ratio=1),  # a plain cell: the renderer shows its control characters
        Column("metric", "Metric", cell=lambda r: Text(metric_name(r["metric"])), min_width=11),
        Column("breached_at", "Breached (UTC)", cell=lambda r: Text(_when(r["breached_at"])), drop=2),
        Column("late_by", "Late by", cell=late, min_width=14),
        Column("held_by", "Held by", cell=holder, max_width=18, drop=3),
    ]
    records = [
        {
            "ticket_id": b.ticket_id,
            "url": b.url,
            "subject": _line(b.subject) if b.subject else "(ticket gone)",
            "metric": b.metric,
            "breached_at": b.breached_at,
            "late_by": b.late_by,
            "still_open": b.still_open,
            "held_by": b.held_by,
        }
        for b in _shown(breaches)
    ]
    table = out.table(records, columns)
    if len(breaches) <= SHOWN_BREACHES:
        return table
    more = Text(f"… and {len(breaches) - SHOWN_BREACHES} more (--json lists them all)", style="dim")
    return Group(table, more)


def _chart(result: StatsResult, width: int) -> Table:
    """One row a day: the rota's engineer and four bars, as wide as the terminal allows."""
    wide = width >= 100
    bar_width = max(3, min(BAR_WIDTH, (width - (30 if wide else 24)) // len(SERIES) - 5))
    scale = _scale(result)
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("Day", no_wrap=True)
    table.add_column("On rota", no_wrap=True, max_width=16 if wide else 10, overflow="ellipsis")
    for _, heading, colour in SERIES:
        table.add_column(Text(heading, style=f"bold {colour}"), no_wrap=True, min_width=bar_width + 4)
    for day in result.days:
        cells: list[RenderableType] = []
        for field, _, colour in SERIES:
            value = getattr(day, field)
            cell = Text(bar(value, scale, bar_width), style=colour)
            cell.append(f" {value}" if value else "·", style="" if value else "dim")
            cells.append(cell)
        who = Text(_line(day.engineer or "—"), style="" if day.engineer else "dim")
        table.add_row(day.day.strftime("%a %d %b" if wide else "%a %d"), who, *cells)
    return table


# --- Markdown, for the stand-up and Slack -----------------------------------------------------------


def _md(text: str) -> str:
    """One line of service text for a paste, with no backticks to break a code span (`out.text`
    shows its control characters)."""
    return _line(text).replace("`", "'")


def to_markdown(result: StatsResult) -> str:
    total = result.total
    lines = [f"*SLA in {_md(_group(result))}* — {_window(result)}"]
    if result.metrics:
        if total.rate is None:
            lines.append(f"*SLA targets: {_counts(total)}*, {SOURCE_TEXT[result.source]}")
        else:
            lines.append(f"*{_rate(total)} of SLA targets met* ({_counts(total)}), {SOURCE_TEXT[result.source]}")
        lines += [f"• {m.label}: {_rate(m)} ({_counts(m)})" for m in result.metrics]
    else:
        lines.append(f"No SLA targets were met or breached ({SOURCE_TEXT[result.source]}).")
    if result.cannot_count:
        lines.append("_Ticket metrics cannot count: " + "; ".join(result.cannot_count) + "._")
    if result.breaches:
        lines += ["", f"*Breached* ({len(result.breaches)})"]
        for b in _shown(result.breaches):
            who = _md(b.held_by) if b.held_by else "unassigned"
            subject = _md(b.subject or "(ticket gone)")
            lines.append(f"• #{b.ticket_id} {subject} — {metric_name(b.metric)}, {_late(b)} · {who}")
        if len(result.breaches) > SHOWN_BREACHES:
            lines.append(f"• … and {len(result.breaches) - SHOWN_BREACHES} more")
    lines += ["", f"*Flow*: {_flow(result.flow)}"]
    if result.flow_cannot_count:
        lines.append("_The flow leaves out: " + "; ".join(result.flow_cannot_count) + "._")
    lines += ["", "*By day* (UTC)", "```", *_chart_lines(result), "```"]
    return "\n".join(lines)


def _chart_lines(result: StatsResult) -> list[str]:
    scale = _scale(result)
    names = [_md(d.engineer or "—") for d in result.days]
    who = min(16, max((len(n) for n in names), default=1))
    column = BAR_WIDTH + 5
    head = f"{'day':<10}  {'on rota':<{who}}  " + "".join(f"{heading:<{column}}" for _, heading, _ in SERIES)
    rows = [head.rstrip()]
    for day, name in zip(result.days, names, strict=True):
        cells = "".join(f"{_md_cell(getattr(day, f), scale):<{column}}" for f, _, _ in SERIES)
        rows.append(f"{day.day.strftime('%a %d %b'):<10}  {name[:who]:<{who}}  {cells}".rstrip())
    return rows


def _md_cell(value: int, scale: int) -> str:
    return f"{bar(value, scale)} {value}".strip() if value else "·"
