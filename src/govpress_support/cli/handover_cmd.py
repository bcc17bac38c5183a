"""`govpress-support handover`: end a rotation without losing a ticket or a thought."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, YesOption, mutating

if TYPE_CHECKING:
    from collections.abc import Callable

    from govpress_support.cli.output import Output
    from govpress_support.cli.runtime import Runtime
    from govpress_support.workflows.handover.apply import Listener
    from govpress_support.workflows.handover.models import HandoverPlan, HandoverResult
    from govpress_support.workflows.handover.plan import PastRun

HELP = """Hand your unsolved 2nd line tickets to the next engineer, with your notes.

1. Who next: --to EMAIL, else the rota's next engineer after you. They must be a Zendesk agent.

2. Notes: your editor ($VISUAL, else $EDITOR, else vim or nano; off a terminal only one you set)
opens on a template with one section per ticket, in SLA order. What you write under a ticket
becomes an internal note on it; an empty section adds none. --notes-file FILE reads the same
format instead; --note TEXT adds one line to every ticket's note (off a terminal --note alone is
enough: no editor opens). The format: a line '## #<id>'
opens a ticket's section (the rest of the line is ignored); other lines starting with '#' are
comments. Text before the first section, or a section for a ticket not being handed over, is an
error before anything is sent.

3. Plan: each ticket with its new assignee and whether a note is added, the 2nd line membership
change (the next engineer in before the tickets move, you out after; --keep-membership skips
both), and any unpushed git work in the repositories under handover.repos or --repos.
Asks on a terminal; --yes for scripts; --dry-run stops here.

4. Apply: update_many batches of 100 (a body per ticket), every step journaled in the state
dir first. Interrupted (Ctrl-C, network, kill)? Run it again with --resume: each ticket ends
reassigned exactly once, with its note exactly once. A ticket someone else changed meanwhile is
reported with the reason and the rest go on (exit 3).

5. Report: a Markdown summary on stdout (or --report FILE) for Slack and the next stand-up.
--json prints an object instead (fields in the README).

Exit codes: 0 done (or nothing to do), 1 API or network error (resume with --resume),
2 bad usage or input, 3 some tickets or a membership change not done (listed), 4 not allowed.

Examples:

    govpress-support handover

    govpress-support handover --to tom.hughes@govpress.example --note "Ask me on Slack until Friday"

    govpress-support handover --notes-file notes.md --yes --report handover.md

    govpress-support handover --dry-run --repos ~/src

    govpress-support handover --resume
"""


def register(app: typer.Typer) -> None:
    app.command("handover", help=HELP)(handover_cmd)


@mutating("handover")
def handover_cmd(
    ctx: typer.Context,
    to: Annotated[
        str | None, typer.Option("--to", metavar="EMAIL", help="The next engineer (default: next on the rota).")
    ] = None,
    notes_file: Annotated[
        Path | None,
        typer.Option("--notes-file", metavar="FILE", help="Notes in the template's format, instead of the editor."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note",
            metavar="TEXT",
            help="One general line added to every ticket's note (off a terminal, enough: no editor opens).",
        ),
    ] = None,
    no_notes: Annotated[bool, typer.Option("--no-notes", help="No per-ticket notes: do not open the editor.")] = False,
    keep_membership: Annotated[bool, typer.Option("--keep-membership", help="Change no group membership.")] = False,
    repos: Annotated[
        list[Path] | None,
        typer.Option("--repos", metavar="DIR", help="Check git repositories under DIR (repeatable; default: config)."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", metavar="FILE", help="Write the Markdown report to FILE, not stdout.")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Finish an interrupted handover from its journal.")] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import UsageError
    from govpress_support.services.state import writable_dir
    from govpress_support.workflows.handover.plan import journal_dir

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    if report is not None:
        _check_report(report)  # before anything is read or sent
    if not dry_run:  # the journal makes it resumable: it must be writable before anything is sent
        writable_dir(journal_dir(rt.state_dir), "the handover journal")
    if resume:
        clashing = [
            name
            for name, given in (
                ("--to", to is not None),
                ("--notes-file", notes_file is not None),
                ("--note", note is not None),
                ("--no-notes", no_notes),
                ("--keep-membership", keep_membership),
                ("--repos", repos is not None),
            )
            if given
        ]
        if clashing:
            raise UsageError(
                f"--resume finishes the journaled handover as planned; {', '.join(clashing)} cannot change it",
                "run --resume alone",
            )
        _resume(rt, out, report=report, dry_run=dry_run)
        return
    if notes_file is not None and no_notes:
        raise UsageError("--notes-file and --no-notes contradict each other", "pick one")
    if not dry_run and not yes and not out.interactive:
        raise UsageError(
            "not on a terminal, so cannot ask for confirmation", "pass --yes to go ahead, or --dry-run to see the plan"
        )
    notes_text = _read_notes_file(notes_file) if notes_file is not None else None
    _handover(
        rt,
        out,
        to=to,
        notes_text=notes_text,
        notes_source=str(notes_file) if notes_file else None,
        general=note,
        no_notes=no_notes,
        keep_membership=keep_membership,
        repos=repos,
        report=report,
        yes=yes,
        dry_run=dry_run,
    )


def _read_notes_file(path: Path) -> str:
    from govpress_support.core.errors import UsageError

    try:
        if str(path) == "-":
            import sys

            return sys.stdin.read()
        return path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot read the notes file {path}: {reason}") from None


def _handover(
    rt: "Runtime",
    out: "Output",
    *,
    to: str | None,
    notes_text: str | None,
    notes_source: str | None,
    general: str | None,
    no_notes: bool,
    keep_membership: bool,
    repos: list[Path] | None,
    report: Path | None,
    yes: bool,
    dry_run: bool,
) -> None:
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.handover import notes
    from govpress_support.workflows.handover import plan as handover
    from govpress_support.workflows.handover.models import to_record

    clients = rt.clients
    with out.status("reading your tickets, the rota, memberships and repositories…"):
        plan = handover.prepare(
            clients.zendesk,
            clients.trello_or_none,
            clients.rota_or_none,
            clients.settings,
            handover.HandoverOptions(to=to, keep_membership=keep_membership, repos=repos),
            state_dir=rt.state_dir,
            now=now(),
        )
    if plan.left_out:
        out.note(f"{plan.left_out} ticket(s) the search still lists are no longer yours: left out")
    if plan.nothing_to_do:
        runs = [r for r in handover.past_runs(rt.state_dir, plan.zendesk_url, plan.me.id) if r.finished_at]
        last = f"; {runs[-1].describe()}" if runs else ""
        out.info(
            f"Nothing to hand over: you hold no unsolved tickets in {plan.group_name}, "
            f"and the memberships need no change{last}."
        )
        if out.mode.value == "json":
            out.json(to_record(plan, status="nothing_to_do"))
        return

    texts: dict[int, str] = {}
    draft: Path | None = None
    ids = [t.id for t in plan.tickets]
    if notes_text is not None:
        texts = notes.parse(notes_text, ids, source=notes_source or "notes file")
    elif plan.tickets and not no_notes and (general is None or out.interactive):
        # Off a terminal a general --note is enough: no editor, nothing more to ask.
        if dry_run:
            out.note("notes: the editor opens when you run this without --dry-run (or pass --notes-file)")
        else:
            texts, draft = _edit_notes(rt, out, plan)
    plan = plan.with_notes_from(texts, general)

    _show_plan(out, plan)
    if dry_run:
        out.note("dry run: nothing changed")
        if out.mode.value == "json":
            out.json(to_record(plan, status="dry_run"))
        return
    question = (
        f"Hand over {len(plan.tickets)} ticket(s) to {plan.target.name}?"
        if plan.tickets
        else "Change the group memberships?"
    )
    if not out.confirm(question, yes=yes):
        kept = f"; your notes are kept in {draft} (--notes-file {draft})" if draft and texts else ""
        out.info(f"nothing changed{kept}")
        raise typer.Exit(1)

    result = _apply(
        out, lambda listener: handover.start(clients.zendesk, plan, state_dir=rt.state_dir, listener=listener)
    )
    if draft is not None:
        draft.unlink(missing_ok=True)  # the notes are in the journal now
    _finish(rt, out, result, report)


def _edit_notes(rt: "Runtime", out: "Output", plan: "HandoverPlan") -> tuple[dict[int, str], Path]:
    from govpress_support.cli.editor import edit_file
    from govpress_support.core.private import private_dir, write_private
    from govpress_support.workflows.handover import notes
    from govpress_support.workflows.handover.journal import new_run_id
    from govpress_support.workflows.handover.plan import journal_dir
    from govpress_support.workflows.handover.report import sla

    tickets = [
        notes.TemplateTicket(
            t.id,
            t.subject,
            " · ".join(
                [
                    t.status_label,
                    t.priority or "no priority",
                    f"SLA: {sla(t, plan.created_at)}".replace("**", ""),
                    f"due {t.due_at.strftime('%Y-%m-%d %H:%M')} UTC" if t.due_at else "no due date",
                    "Trello card: " + ("missing" if t.trello_card == "missing" else t.trello_card_url or "?"),
                ]
            ),
        )
        for t in plan.tickets
    ]
    source = "next on the rota" if plan.target_source == "rota" else "from --to"
    header = [
        f"Handover notes for {plan.target.label()} ({source}).",
        "",
        "Write under a ticket what the next engineer should know: what you tried, what is left,",
        "who to talk to. Each section becomes an internal note on its ticket (never seen by the",
        "client); an empty section adds no note. Lines starting with '#' are ignored; keep the",
        "'## #<id>' lines. Save and quit to see the plan: nothing is sent before you confirm it.",
        "To abort, quit with an error (vi: ':cq'); the file is kept for --notes-file.",
    ]
    draft = private_dir(journal_dir(rt.state_dir)) / f"notes-{new_run_id(plan.created_at)}.md"
    write_private(draft, notes.template(tickets, header))
    hint = f"your notes file is {draft}: pass --notes-file {draft}, or --no-notes"
    text = edit_file(draft, rt.environ, terminal=out.interactive, hint=hint)
    try:
        return notes.parse(text, [t.id for t in plan.tickets], source=str(draft)), draft
    except notes.NotesError as exc:
        exc.hint = f"{exc.hint}; fix {draft} and pass --notes-file {draft}" if exc.hint else hint
        raise


def _show_plan(out: "Output", plan: "HandoverPlan") -> None:
    """The plan on stderr: a table on a terminal, plain lines otherwise."""
    from govpress_support.workflows.handover.report import sla

    source = "next on the rota after you" if plan.target_source == "rota" else "--to"
    out.info(f"Hand over to {plan.target.label()} ({source})")
    out.info(f"{plan.group_name}: {len(plan.tickets)} ticket(s), {plan.with_notes} with a note")
    now = plan.created_at
    if plan.tickets and out.stderr_tty:
        from govpress_support.cli.columns import Column

        records = [
            {
                "id": f"#{t.id}",
                "subject": t.subject,
                "status": t.status_label,
                "sla": sla(t, now).replace("**", ""),
                "to": plan.target.name,
                "note": "✓" if t.note else "—",
            }
            for t in plan.tickets
        ]
        columns = [
            Column("id", "ID", justify="right"),
            Column("subject", "Subject", ratio=1, min_width=16),
            Column("status", "Status", max_width=24),
            Column("sla", "SLA"),
            Column("to", "New assignee", max_width=20),
            Column("note", "Note"),
        ]
        out.show(out.table(records, columns))
    else:
        for t in plan.tickets:
            mark = "note" if t.note else "no note"
            out.info(f"  #{t.id} → {plan.target.name} ({mark}) {t.subject} [{sla(t, now).replace('**', '')}]")
    if plan.add_member or plan.remove_member or plan.membership_notes:
        out.info("Group membership:")
        if plan.add_member:
            out.info(f"  + {plan.add_member.describe()} (before the tickets move)")
        if plan.remove_member:
            out.info(f"  - {plan.remove_member.describe()} (after every ticket is reassigned)")
        for text in plan.membership_notes:
            out.info(f"  · {text}")
    for repo in plan.git.repos:
        out.warn(f"unpushed work in {repo.path}: {repo.summary()}")
    for warning in plan.git.warnings:
        out.warn(warning)
    if plan.trello_reason:
        out.note(plan.trello_reason)


def _apply(out: "Output", run: "Callable[[Listener], HandoverResult]") -> "HandoverResult":
    from govpress_support.workflows.handover.apply import Listener

    with out.progress(None, "handing over") as advance:
        seen = [0]

        def progress(done: int, total: int) -> None:
            if done > seen[0]:
                advance(done - seen[0])
                seen[0] = done

        return run(Listener(progress=progress, step=out.note))


def _finish(rt: "Runtime", out: "Output", result: "HandoverResult", report: Path | None) -> None:
    from govpress_support.core.errors import GovPressError, PartialFailure
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.handover.models import to_record
    from govpress_support.workflows.handover.report import render

    text = render(result, now())
    unwritten: str | None = None  # why the report could not go where asked
    if report is not None:
        unwritten = _write(report, text)
        if unwritten is not None:
            kept = _keep_report(rt, result, text)
            out.warn(f"cannot write the report to {report}: {unwritten}; it is kept in {kept}")
            report, unwritten = kept, f"cannot write the report to {report}: {unwritten}"
    if out.mode.value == "json":
        status = "done" if result.complete else "partial"
        out.json(
            to_record(
                result.plan,
                status=status,
                outcomes=result.outcomes,
                memberships=result.memberships,
                report_file=str(report) if report else None,
            )
        )
    elif report is None:
        out.text(text)
    handed = len(result.handed_over)
    out.success(
        f"{handed} ticket(s) handed over to {result.plan.target.name}" + (f"; report in {report}" if report else "")
    )
    problems = [f"#{t.id} ({o.reason or 'failed'})" for t, o in result.failed]
    problems += [f"{m.change.describe()} ({m.reason or 'failed'})" for m in result.membership_failures]
    if problems:
        raise PartialFailure(
            f"not done: {'; '.join(problems)}",
            "see the report; change those tickets by hand, or run `govpress-support handover` again",
        )
    if unwritten is not None:
        raise GovPressError(unwritten, f"the handover itself is done; the report is kept in {report}")


def _check_report(path: Path) -> None:
    """Refuse a --report path that cannot be written, before anything is sent (exit 2)."""
    import os

    from govpress_support.core.errors import UsageError

    target = path.expanduser()
    folder = target.parent
    problem = None
    if target.is_dir():
        problem = "it is a directory"
    elif not folder.is_dir():
        problem = f"there is no directory {folder}"
    elif not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        problem = "permission denied"
    if problem is not None:
        raise UsageError(
            f"cannot write the report to {path}: {problem}; nothing was sent",
            "give --report a file in an existing directory, or leave it out to print the report",
        )


def _write(path: Path, text: str) -> str | None:
    """Write the report; None when done, else why not."""
    import os

    target = path.expanduser()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        return str(exc.strerror or exc)
    return None


def _keep_report(rt: "Runtime", result: "HandoverResult", text: str) -> Path:
    """The report in the state dir (private, beside the journal), when it could not go where asked."""
    from govpress_support.core.private import write_private
    from govpress_support.workflows.handover.plan import journal_dir

    kept = journal_dir(rt.state_dir) / f"report-{result.run_id}.md"
    write_private(kept, text)
    return kept


def _resume(rt: "Runtime", out: "Output", *, report: Path | None, dry_run: bool) -> None:
    from govpress_support.workflows.handover import plan as handover
    from govpress_support.workflows.handover.models import to_record

    clients = rt.clients
    me = clients.zendesk.me()
    run = handover.unfinished_run(rt.state_dir, clients.zendesk.base_url, me.id)
    if run is None:
        runs = handover.past_runs(rt.state_dir, clients.zendesk.base_url, me.id)
        out.info(f"Nothing to resume: {runs[-1].describe()}." if runs else "Nothing to resume: no handover journaled.")
        if out.mode.value == "json":
            out.json({"status": "nothing_to_resume", "run_id": runs[-1].plan.run_id if runs else None})
        return
    _show_remaining(out, run)
    if dry_run:
        out.note("dry run: nothing changed")
        if out.mode.value == "json":
            result = handover.result_of(run)
            out.json(to_record(run.plan, status="dry_run", outcomes=result.outcomes, memberships=result.memberships))
        return
    result = _apply(out, lambda listener: handover.resume(clients.zendesk, run, listener=listener))
    _finish(rt, out, result, report)


def _show_remaining(out: "Output", run: "PastRun") -> None:
    from govpress_support.workflows.handover import plan as handover

    done = handover.result_of(run)
    settled = len(done.outcomes)
    out.info(f"Resuming {run.describe()}: {settled} of {len(run.plan.tickets)} ticket(s) settled so far")
