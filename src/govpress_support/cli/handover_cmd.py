"""`govpress-support handover`: end a rotation without losing a ticket or a thought."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, YesOption, mutating

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import timedelta

    from govpress_support.cli.output import Output
    from govpress_support.cli.runtime import Runtime
    from govpress_support.services.connect import Clients
    from govpress_support.services.slack import SlackWebhook
    from govpress_support.workflows.handover.apply import Listener
    from govpress_support.workflows.handover.models import HandoverPlan, HandoverResult
    from govpress_support.workflows.handover.plan import PastRun

HELP = """Hand your unsolved 2nd line tickets to the next engineer, with your notes; push your
branches, hand over your pull requests and tell the channel.

1. Who next: --to EMAIL, else the rota's next engineer after you. They must be a Zendesk agent.

2. Notes: your editor ($VISUAL, else $EDITOR, else vim or nano; off a terminal only one you set)
opens on a template listing every unsolved ticket of the group in queue order: yours first
(they are reassigned), then the others, marked "note only" (a note is added; the ticket stays
with its assignee). What you write under a ticket becomes an internal note on it; an empty
section adds none. --notes-file FILE reads the same format instead; --note TEXT adds one line to
the note of every ticket of yours (off a terminal --note alone is enough: no editor opens). The
format: a line '## #<id>' opens a ticket's section (the rest of the line is ignored); other lines
starting with '#' are comments. Text before the first section, or a section for a ticket that is
not unsolved in the group, is an error before anything is sent.

3. Plan: the branches --push pushes (first), each ticket with its new assignee and whether a
note is added, the notes on others' tickets, the 2nd line membership change (the next engineer
in before the tickets move, you out after; --keep-membership skips both), your open pull
requests and what happens to each, the Slack post, and any unpushed git work in the
repositories under handover.repos or --repos. Asks on a terminal; --yes for scripts; --dry-run
stops here.

4. Apply: --push runs `git push --set-upstream origin BRANCH` for each branch with commits its
upstream lacks (or with no upstream), never forced, never the default branch; a push git
refuses is reported with git's reason and the rest goes on. Tickets go in update_many batches of
100 (a body per ticket). With a GitHub token (GITHUB_TOKEN or GH_TOKEN, `auth login github`, or
`gh auth token`), your open pull requests for those branches and in the organisations of
github.orgs are assigned to the next engineer (their login from [people.github] in the config,
or the rota) with a comment; --no-github leaves them alone. Every step is journaled in the
state dir first. Interrupted (Ctrl-C, network, kill)? Run it again with --resume: each ticket
ends reassigned exactly once, with its note exactly once, and each push, assignment and comment
happens once. A ticket someone else changed meanwhile is reported with the reason and the rest
go on (exit 3).

5. Tell them: --slack posts a short summary to the team's channel through its incoming webhook
(`auth login slack`, or SLACK_WEBHOOK_URL), mentioning the next engineer when their Slack member
id is under [people.slack]. A post that fails never undoes the handover: the report says so,
and `handover --slack --resume` posts it.

6. Report: a Markdown summary on stdout (or --report FILE) for the next stand-up. --json prints
an object instead (fields in the README).

Exit codes: 0 done (or nothing to do), 1 API or network error (resume with --resume),
2 bad usage or input, 3 some tickets, pushes, pull requests, a membership change or the Slack
post not done (listed), 4 not allowed (or a GitHub token or Slack webhook refused).

Examples:

    govpress-support handover

    govpress-support handover --to tom.hughes@govpress.example --note "Ask me on Slack until Friday"

    govpress-support handover --notes-file notes.md --yes --report handover.md

    govpress-support handover --push --slack --repos ~/src

    govpress-support handover --dry-run --repos ~/src

    govpress-support handover --resume

    govpress-support handover --slack --resume
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
    push: Annotated[
        bool, typer.Option("--push", help="Push each branch with commits its upstream lacks (never forced).")
    ] = False,
    slack: Annotated[
        bool, typer.Option("--slack", help="Post a summary to the team's Slack channel (incoming webhook) when done.")
    ] = False,
    no_github: Annotated[bool, typer.Option("--no-github", help="Leave your GitHub pull requests alone.")] = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Finish an interrupted handover from its journal (with --slack: post it)."),
    ] = False,
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
        from govpress_support.cli.handover_view import check_report

        check_report(report)  # before anything is read or sent
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
                ("--push", push),
                ("--no-github", no_github),
            )
            if given
        ]
        if clashing:
            raise UsageError(
                f"--resume finishes the journaled handover as planned; {', '.join(clashing)} cannot change it",
                "run --resume alone",
            )
        _resume(rt, out, report=report, dry_run=dry_run, slack=slack)
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
        push=push,
        slack=slack,
        github=not no_github,
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
    push: bool,
    slack: bool,
    github: bool,
) -> None:
    from govpress_support.cli.handover_view import show_plan
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.handover import notes
    from govpress_support.workflows.handover import plan as handover
    from govpress_support.workflows.handover.models import to_record

    clients = rt.clients
    webhook = clients.slack if slack else None  # no webhook, or not Slack's: said before anything
    # Off a terminal a general --note is enough: no editor, so no need for the group's other tickets.
    editor = notes_text is None and not no_notes and not dry_run and (general is None or out.interactive)
    options = handover.HandoverOptions(
        to=to, keep_membership=keep_membership, repos=repos, others=editor, push=push, github=github, slack=slack
    )
    with out.status("reading your tickets, the rota, memberships, repositories and pull requests…"):
        plan = handover.prepare(
            clients.zendesk,
            clients.trello_or_none,
            clients.rota_or_none,
            clients.settings,
            options,
            state_dir=rt.state_dir,
            now=now(),
            github=clients.github_or_none if github else None,
        )
    if plan.left_out:
        out.note(f"{plan.left_out} ticket(s) the search still lists are no longer yours: left out")
    if plan.nothing_to_do:
        runs = [r for r in handover.past_runs(rt.state_dir, plan.zendesk_url, plan.me.id) if r.finished_at]
        last = f"; {runs[-1].describe()}" if runs else ""
        out.info(
            f"Nothing to hand over: you hold no unsolved tickets in {plan.group_name}, the memberships need no "
            f"change, and no branch or pull request is waiting{last}."
        )
        if out.mode.value == "json":
            out.json(to_record(plan, status="nothing_to_do"))
        return

    texts: dict[int, str] = {}
    draft: Path | None = None
    if notes_text is not None:
        if notes.named(notes_text) - {t.id for t in plan.tickets}:  # notes on others' tickets too
            with out.status("reading the group's other tickets…"):
                plan = handover.add_others(clients.zendesk, clients.trello_or_none, clients.settings, plan, now=now())
        known = [t.id for t in (*plan.tickets, *plan.candidates)]
        texts = notes.parse(notes_text, known, source=notes_source or "notes file")
    elif (plan.tickets or plan.candidates) and not no_notes and (general is None or out.interactive):
        # Off a terminal a general --note is enough: no editor, nothing more to ask.
        if dry_run:
            out.note("notes: the editor opens when you run this without --dry-run (or pass --notes-file)")
        else:
            texts, draft = _edit_notes(rt, out, plan)
    plan = plan.with_notes_from(texts, general)

    show_plan(out, plan)
    if dry_run:
        out.note("dry run: nothing changed")
        if out.mode.value == "json":
            out.json(to_record(plan, status="dry_run"))
        return
    question = (
        f"Hand over {len(plan.mine)} ticket(s) to {plan.target.name}?" if plan.mine else "Go ahead with the plan?"
    )
    if not out.confirm(question, yes=yes):
        kept = f"; your notes are kept in {draft} (--notes-file {draft})" if draft and texts else ""
        out.info(f"nothing changed{kept}")
        raise typer.Exit(1)

    result = _apply(
        out,
        lambda listener: handover.start(
            clients.zendesk,
            plan,
            state_dir=rt.state_dir,
            listener=listener,
            github=clients.github_or_none if plan.github.to_do else None,
            slack=webhook,
            warning=_warning(rt),
        ),
    )
    if draft is not None:
        draft.unlink(missing_ok=True)  # the notes are in the journal now
    _finish(rt, out, result, report)


def _warning(rt: "Runtime") -> "timedelta":
    """What "breaching soon" means in the Slack post: the queue's warning threshold."""
    from govpress_support.core.timeutil import parse_duration

    return parse_duration(rt.settings.queue.sla_warning)


def _post(rt: "Runtime", out: "Output", webhook: "SlackWebhook", result: "HandoverResult") -> "HandoverResult":
    """Post a finished run's summary (`--slack --resume`)."""
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.handover import plan as handover

    with out.status("posting to Slack…"):
        return handover.post_to_slack(webhook, result, state_dir=rt.state_dir, now=now(), warning=_warning(rt))


def _edit_notes(rt: "Runtime", out: "Output", plan: "HandoverPlan") -> tuple[dict[int, str], Path]:
    from govpress_support.cli.editor import edit_file
    from govpress_support.core.private import private_dir, write_private
    from govpress_support.workflows.handover import notes
    from govpress_support.workflows.handover.journal import new_run_id
    from govpress_support.workflows.handover.plan import journal_dir
    from govpress_support.workflows.handover.report import sla

    summaries = [
        notes.TemplateTicket(
            t.id,
            t.subject,
            " · ".join(
                [
                    *([] if t.reassign else [f"assigned to {t.assignee_name or 'nobody'}"]),
                    t.status_label,
                    t.priority or "no priority",
                    f"SLA: {sla(t, plan.created_at)}".replace("**", ""),
                    f"due {t.due_at.strftime('%Y-%m-%d %H:%M')} UTC" if t.due_at else "no due date",
                    "Trello card: " + ("missing" if t.trello_card == "missing" else t.trello_card_url or "?"),
                ]
            ),
        )
        for t in (*plan.tickets, *plan.candidates)
    ]
    source = "next on the rota" if plan.target_source == "rota" else "from --to"
    header = [
        f"Handover notes for {plan.target.label()} ({source}).",
        "",
        "Write under a ticket what the next engineer should know: what you tried, what is left,",
        "who to talk to. Each section becomes an internal note on its ticket (never seen by the",
        "client); an empty section adds no note. Your tickets come first and are reassigned; the",
        "group's other tickets follow, marked 'note only': a note there is added and the ticket",
        "stays with its assignee. Lines starting with '#' are ignored; keep the '## #<id>' lines.",
        "Save and quit to see the plan: nothing is sent before you confirm it.",
        "To abort, quit with an error (vi: ':cq'); the file is kept for --notes-file.",
    ]
    draft = private_dir(journal_dir(rt.state_dir)) / f"notes-{new_run_id(plan.created_at)}.md"
    mine = len(plan.tickets)
    write_private(draft, notes.template(summaries[:mine], header, summaries[mine:]))
    hint = f"your notes file is {draft}: pass --notes-file {draft}, or --no-notes"
    text = edit_file(draft, rt.environ, terminal=out.interactive, hint=hint)
    try:
        return notes.parse(text, [t.id for t in (*plan.tickets, *plan.candidates)], source=str(draft)), draft
    except notes.NotesError as exc:
        exc.hint = f"{exc.hint}; fix {draft} and pass --notes-file {draft}" if exc.hint else hint
        raise


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
    from govpress_support.cli.handover_view import keep_report, problems, slack_problem, summary, write_report
    from govpress_support.core.errors import GovPressError, PartialFailure
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.handover.models import to_record
    from govpress_support.workflows.handover.report import render

    text = render(result, now())
    unwritten: str | None = None  # why the report could not go where asked
    if report is not None:
        unwritten = write_report(report, text)
        if unwritten is not None:
            kept = keep_report(rt.state_dir, result, text)
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
                result=result,
            )
        )
    elif report is None:
        out.text(text)
    out.success(summary(result) + (f"; report in {report}" if report else ""))
    undone = problems(result)
    posting = slack_problem(result)
    if undone:
        hint = "see the report; change those by hand, or run `govpress-support handover` again"
        raise PartialFailure(f"not done: {'; '.join(undone)}", f"{hint}; {posting}" if posting else hint)
    if posting is not None:
        raise PartialFailure(f"the handover is done, but {posting}")
    if unwritten is not None:
        raise GovPressError(unwritten, f"the handover itself is done; the report is kept in {report}")


def _resume(rt: "Runtime", out: "Output", *, report: Path | None, dry_run: bool, slack: bool) -> None:
    from govpress_support.cli.handover_view import post_pending
    from govpress_support.workflows.handover import plan as handover
    from govpress_support.workflows.handover.models import to_record

    clients = rt.clients
    me = clients.zendesk.me()
    run = handover.unfinished_run(rt.state_dir, clients.zendesk.base_url, me.id)
    if run is None:
        runs = handover.past_runs(rt.state_dir, clients.zendesk.base_url, me.id)
        last = runs[-1] if runs else None
        if last is not None and post_pending(out, last, asked=slack):
            if dry_run:
                out.note("dry run: nothing posted")
                return
            _finish(rt, out, _post(rt, out, clients.slack, handover.result_of(last)), report)
            return
        posted = slack and last is not None and last.slack is not None and last.slack.state == "done"
        if posted and last is not None:
            out.info(f"Nothing to post: the summary of {last.describe()} is in the channel already.")
        else:
            out.info(f"Nothing to resume: {last.describe()}." if last else "Nothing to resume: no handover journaled.")
        if out.mode.value == "json":
            out.json({"status": "nothing_to_resume", "run_id": last.plan.run_id if last else None})
        return
    webhook = _webhook(out, clients, asked=slack) if (slack or run.plan.slack) and not dry_run else None
    _show_remaining(out, run)
    if dry_run:
        out.note("dry run: nothing changed")
        if out.mode.value == "json":
            result = handover.result_of(run)
            out.json(to_record(run.plan, status="dry_run", outcomes=result.outcomes, memberships=result.memberships))
        return
    github = clients.github_or_none if run.plan.github.to_do else None
    result = _apply(
        out,
        lambda listener: handover.resume(
            clients.zendesk, run, listener=listener, github=github, slack=webhook, warning=_warning(rt), asked=slack
        ),
    )
    _finish(rt, out, result, report)


def _webhook(out: "Output", clients: "Clients", *, asked: bool) -> "SlackWebhook | None":
    """The webhook for a resumed run's post: without one, a post the run asked for waits (the
    tickets do not), one asked for now (`--slack`) is an error before anything is sent."""
    from govpress_support.core.errors import GovPressError

    try:
        return clients.slack
    except GovPressError as exc:
        if asked:
            raise
        out.warn(f"the run's Slack post waits: {exc.one_line()}")
        return None


def _show_remaining(out: "Output", run: "PastRun") -> None:
    from govpress_support.workflows.handover import plan as handover

    done = handover.result_of(run)
    settled = len(done.outcomes)
    out.info(f"Resuming {run.describe()}: {settled} of {len(run.plan.tickets)} ticket(s) settled so far")
