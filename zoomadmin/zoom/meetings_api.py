"""Meetings and occurrences, past meetings and their participants, live meetings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from zoomadmin.zoom.client_base import ClientBase, page_params, parse_page
from zoomadmin.zoom.models import (
    EndedMeeting,
    LiveMeeting,
    Meeting,
    MeetingRequest,
    Page,
    Participant,
    PastMeeting,
)
from zoomadmin.zoom.paging import iterate_pages

MEETING = "/meetings/{meetingId}"
PAST = "/past_meetings/{meetingUUID}"


class MeetingsApi(ClientBase):
    """Endpoints of the Meetings API (and the live-meetings dashboard) that zoomadmin uses.

    Creates and updates spend the host's daily quota of 100, so the client must know the
    host: ``create_meeting`` has it in the path; ``update_meeting`` takes ``host_id`` or
    learns it from meetings it has already seen (or, failing both, one GET).
    """

    _meeting_hosts: dict[int, str]

    def _remember(self, meeting: Meeting) -> Meeting:
        if meeting.host_id:
            self._meeting_hosts[meeting.id] = meeting.host_id
        return meeting

    async def create_meeting(self, user_id: str, request: MeetingRequest) -> Meeting:
        """Schedule a meeting hosted by ``user_id`` (pass the user id, not an email).

        Never re-sent on its own: a lost answer raises OutcomeUnknown.
        """
        data = await self._json(
            "POST",
            "/users/{userId}/meetings",
            path={"userId": user_id},
            json=request.to_json(),
            quota_host=user_id,
        )
        data.setdefault("host_id", user_id)
        return self._remember(Meeting.model_validate(data))

    async def get_meeting(
        self,
        meeting_id: int,
        *,
        occurrence_id: str | None = None,
        show_previous_occurrences: bool = False,
    ) -> Meeting:
        """One meeting, or one occurrence of a recurring meeting."""
        params: dict[str, Any] = {}
        if occurrence_id:
            params["occurrence_id"] = occurrence_id
        if show_previous_occurrences:
            params["show_previous_occurrences"] = "true"
        data = await self._json("GET", MEETING, path={"meetingId": meeting_id}, params=params)
        return self._remember(Meeting.model_validate(data))

    async def list_meetings_page(
        self, user_id: str, type: str = "scheduled", *, next_page_token: str = ""
    ) -> Page[Meeting]:
        """One page of a host's meetings (``type``: scheduled, live, upcoming, ...)."""
        data = await self._json(
            "GET",
            "/users/{userId}/meetings",
            path={"userId": user_id},
            params=page_params(next_page_token, {"type": type}),
        )
        page = parse_page(data, "meetings", Meeting.model_validate)
        for meeting in page.items:
            self._remember(meeting)
        return page

    def iter_meetings(self, user_id: str, type: str = "scheduled") -> AsyncIterator[Meeting]:
        """Every meeting of a host, following every page to the end."""

        async def fetch(token: str) -> Page[Meeting]:
            return await self.list_meetings_page(user_id, type, next_page_token=token)

        return iterate_pages(fetch)

    async def _host_of(self, meeting_id: int) -> str:
        host = self._meeting_hosts.get(int(meeting_id))
        if host is None:
            host = (await self.get_meeting(meeting_id)).host_id
        return host

    async def update_meeting(
        self,
        meeting_id: int,
        patch: dict[str, Any],
        occurrence_id: str | None = None,
        *,
        host_id: str | None = None,
    ) -> None:
        """Change a meeting (or one occurrence); spends one of the host's 100 a day."""
        host = host_id or await self._host_of(meeting_id)
        params = {"occurrence_id": occurrence_id} if occurrence_id else None
        await self._json(
            "PATCH",
            MEETING,
            path={"meetingId": meeting_id},
            params=params,
            json=patch,
            quota_host=host or None,
        )

    async def delete_meeting(
        self, meeting_id: int, occurrence_id: str | None = None, *, host_id: str | None = None
    ) -> None:
        """Delete a meeting, or only one occurrence of it.

        Zoom counts deletes against the host's 100 a day as well: with ``host_id`` (or a
        host learnt from meetings already seen) the ledger counts it too.
        """
        params = {"occurrence_id": occurrence_id} if occurrence_id else None
        host = host_id or self._meeting_hosts.get(int(meeting_id))
        await self._json(
            "DELETE", MEETING, path={"meetingId": meeting_id}, params=params, quota_host=host
        )
        if occurrence_id is None:
            self._meeting_hosts.pop(int(meeting_id), None)

    async def end_meeting(self, meeting_id: int) -> None:
        """End a live meeting for everyone."""
        await self._json(
            "PUT", MEETING + "/status", path={"meetingId": meeting_id}, json={"action": "end"}
        )

    async def get_past_meeting(self, uuid: str) -> PastMeeting:
        """One ended meeting instance, by its UUID."""
        data = await self._json("GET", PAST, path={"meetingUUID": uuid})
        return PastMeeting.model_validate(data)

    def iter_past_participants(self, uuid: str) -> AsyncIterator[Participant]:
        """Everyone who joined an ended meeting instance."""

        async def fetch(token: str) -> Page[Participant]:
            data = await self._json(
                "GET", PAST + "/participants", path={"meetingUUID": uuid}, params=page_params(token)
            )
            return parse_page(data, "participants", Participant.model_validate)

        return iterate_pages(fetch)

    def iter_past_meetings(self, start: date, end: date) -> AsyncIterator[EndedMeeting]:
        """Meetings that ended, started from ``start`` to ``end`` (the dashboard's past list;
        at most a month)."""

        async def fetch(token: str) -> Page[EndedMeeting]:
            query = {"type": "past", "from": start.isoformat(), "to": end.isoformat()}
            data = await self._json("GET", "/metrics/meetings", params=page_params(token, query))
            return parse_page(data, "meetings", EndedMeeting.model_validate)

        return iterate_pages(fetch)

    def iter_live_meetings(self) -> AsyncIterator[LiveMeeting]:
        """Every meeting running now (the dashboard's live list)."""

        async def fetch(token: str) -> Page[LiveMeeting]:
            params = page_params(token, {"type": "live"})
            data = await self._json("GET", "/metrics/meetings", params=params)
            return parse_page(data, "meetings", LiveMeeting.model_validate)

        return iterate_pages(fetch)
