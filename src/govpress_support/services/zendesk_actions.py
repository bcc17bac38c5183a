"""The Zendesk web UI's daily actions, as methods of `ZendeskClient` (it inherits them): macros
and what applying one would do, recovering and deleting suspended tickets, and the agent page of
a group's view.

Kept apart from `zendesk.py` only for size; the same rules hold: typed records in and out, no
decisions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from govpress_support.core.models import Group, Macro, MacroResult, Recovery
from govpress_support.services import zendesk_json as read

if TYPE_CHECKING:
    from govpress_support.services.http import HttpClient

BULK_SUSPENDED_LIMIT = 100  # ids per recover_many or destroy_many


class DeskActions:
    http: HttpClient

    if TYPE_CHECKING:

        def paginate_offset(
            self, path: str, key: str, params: Mapping[str, Any] | None = None
        ) -> Iterator[dict[str, Any]]: ...

        def agent_url(self, ticket_id: int) -> str: ...

        @property
        def base_url(self) -> str: ...

    # --- macros -------------------------------------------------------------------------------

    def active_macros(self) -> list[Macro]:
        """The active macros you can apply: shared ones, your group's and your personal ones."""
        items = self.paginate_offset("api/v2/macros/active", "macros")
        return [m for m in (read.macro(item) for item in items) if m is not None]

    def apply_macro(self, ticket_id: int, macro_id: int) -> MacroResult:
        """What the macro would do to the ticket; Zendesk changes nothing (send it yourself)."""
        data = self.http.get_json(
            f"api/v2/tickets/{int(ticket_id)}/macros/{int(macro_id)}/apply.json",
            what=f"macro {macro_id} on ticket {ticket_id}",
        )
        return read.macro_result(data)

    # --- suspended tickets --------------------------------------------------------------------

    def recover_suspended(self, ids: Sequence[int]) -> Recovery:
        """Recover up to 100 suspended tickets with `recover_many`, which keeps the sender as the
        requester (the single `recover` makes you the requester), even for one id. Zendesk
        answers 422 when some could not be recovered: those come back in `failed`. Not retried
        after a lost answer: recovering twice is not the same as once."""
        _check_bulk(ids)
        response = self.http.request(
            "PUT",
            "api/v2/suspended_tickets/recover_many",
            params={"ids": ",".join(map(str, ids))},
            idempotent=False,
            what="to recover suspended tickets",
            allow=(422,),
        )
        return read.recovery(self.http.json_of(response), self.agent_url)

    def delete_suspended(self, ids: Sequence[int]) -> None:
        """Delete up to 100 suspended tickets (`destroy_many`); ids no longer suspended are passed
        over, so sending it again is harmless."""
        _check_bulk(ids)
        self.http.request(
            "DELETE",
            "api/v2/suspended_tickets/destroy_many",
            params={"ids": ",".join(map(str, ids))},
            what="to delete suspended tickets",
        )

    # --- pages in the agent interface ---------------------------------------------------------

    def group_view_url(self, group: Group) -> str:
        """The agent page of the active view that lists this group's tickets (the one with the
        fewest other conditions); a ticket search for the group's unsolved tickets when the
        account has no such view, or does not let you read views."""
        response = self.http.request("GET", "api/v2/views/active", allow=(403, 404))
        views: list[tuple[int, int]] = []
        if response.status_code == 200:
            for item in read.items(self.http.json_of(response), "views"):
                view_id = read.as_int(item.get("id"))
                conditions = item.get("conditions")
                every = conditions.get("all") if isinstance(conditions, dict) else None
                if view_id is None or not isinstance(every, list):
                    continue
                if any(_is_group(c, group.id) for c in every):
                    views.append((len(every), view_id))
        if views:
            return f"{self.base_url}/agent/filters/{min(views)[1]}"
        query = f'type:ticket group:"{group.name}" status<solved'
        return f"{self.base_url}/agent/search/1?q={quote(query)}"


def _is_group(condition: Any, group_id: int) -> bool:
    return (
        isinstance(condition, dict)
        and condition.get("field") == "group_id"
        and condition.get("operator", "is") == "is"
        and str(condition.get("value")) == str(group_id)
    )


def _check_bulk(ids: Sequence[int]) -> None:
    if not ids:
        raise ValueError("no suspended ticket ids given")
    if len(ids) > BULK_SUSPENDED_LIMIT:
        raise ValueError(f"Zendesk takes at most {BULK_SUSPENDED_LIMIT} suspended tickets a request")
