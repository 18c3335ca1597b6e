"""What the Deactivate/Reactivate/Remove confirmations and results say, for one host or many."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from zoomadmin.core.records import HostRecord
from zoomadmin.services.hosts import HostResult, RemovalImpact
from zoomadmin.ui.tenants.hosts_model import local_time

REMOVE_SESSIONS_ADVICE = (
    "Its meetings leave with the user and no longer appear here. zoomadmin cannot move "
    "meetings to another host yet: to keep them running, choose Deactivate instead (they stay "
    "scheduled), or reassign them in the Zoom web portal before removing."
)
REMOVE_ONE_AT_A_TIME = (
    "Their meetings leave with the users and no longer appear here. To hand a host's "
    "sessions to another host of its tenant, or to cancel them, first, remove the hosts one "
    "at a time; to keep them running as they are, choose Deactivate instead."
)
SHOWN_TOPICS = 3
SHOWN_DATES = 3


def host_name(host: HostRecord) -> str:
    """ "Ann Lee <ann@school.org>" (the email alone when Zoom has no name)."""
    if host.display_name and host.display_name != host.email:
        return f"{host.display_name} <{host.email}>"
    return host.email


def sessions_text(impact: RemovalImpact, timezone: str) -> str:
    """ "It has 3 coming sessions: Algebra (Tue 3 Mar 16:00 EST, Thu 5 Mar …); Chemistry (…)."."""
    sessions = impact.coming_sessions
    if not sessions:
        return "It has no coming sessions."
    by_topic: dict[str, list[str]] = defaultdict(list)
    for session in sessions:
        by_topic[session.topic].append(local_time(session.start_time, timezone))
    parts = []
    for topic, dates in list(by_topic.items())[:SHOWN_TOPICS]:
        more = f", +{len(dates) - SHOWN_DATES} more" if len(dates) > SHOWN_DATES else ""
        parts.append(f"{topic} ({', '.join(dates[:SHOWN_DATES])}{more})")
    if len(by_topic) > SHOWN_TOPICS:
        parts.append(f"{len(by_topic) - SHOWN_TOPICS} more meetings")
    count = len(sessions)
    return f"It has {count} coming session{'s' if count != 1 else ''}: {'; '.join(parts)}."


def many_sessions_text(impacts: Sequence[RemovalImpact]) -> str:
    """ "2 of them have 5 coming sessions." or "None of them has coming sessions."."""
    busy = [i for i in impacts if i.coming_sessions]
    if not busy:
        return "None of them has coming sessions."
    total = sum(len(i.coming_sessions) for i in busy)
    return (
        f"{len(busy)} of them {'has' if len(busy) == 1 else 'have'} {total} coming "
        f"session{'s' if total != 1 else ''}."
    )


def deactivate_text(impacts: Sequence[RemovalImpact], timezone: str) -> str:
    """The question before deactivating one host or several."""
    if len(impacts) == 1:
        host = impacts[0].host
        return (
            f"Deactivate {host_name(host)}?\n\nThe user can no longer sign in or start "
            f"meetings. {sessions_text(impacts[0], timezone)}\n\nSessions stay scheduled but "
            "cannot start until the host is reactivated."
        )
    return (
        f"Deactivate {len(impacts)} hosts?\n\nThey can no longer sign in or start meetings. "
        f"{many_sessions_text(impacts)}\n\nSessions stay scheduled but cannot start until "
        "the hosts are reactivated."
    )


def remove_text(impacts: Sequence[RemovalImpact], timezone: str, *, offered: bool = False) -> str:
    """The question before removing one host or several from the Zoom account
    (``offered``: removing one at a time offers to hand its sessions over or cancel them)."""
    sessions = any(i.coming_sessions for i in impacts)
    words = REMOVE_ONE_AT_A_TIME if offered else REMOVE_SESSIONS_ADVICE
    advice = f"\n\n{words}" if sessions else ""
    if len(impacts) == 1:
        return (
            f"Remove {host_name(impacts[0].host)} from the Zoom account?\n\nZoom "
            "disassociates the user: it becomes a free Zoom account of its own, outside this "
            f"account, and zoomadmin forgets the host.\n\n{sessions_text(impacts[0], timezone)}"
            f"{advice}"
        )
    return (
        f"Remove {len(impacts)} hosts from the Zoom account?\n\nZoom disassociates each "
        "user: they become free Zoom accounts of their own, outside this account, and "
        f"zoomadmin forgets them. {many_sessions_text(impacts)}{advice}"
    )


def remove_question(impact: RemovalImpact, timezone: str) -> str:
    """The question before removing one host whose coming sessions are offered a choice."""
    return (
        f"Remove {host_name(impact.host)} from the Zoom account?\n\nZoom disassociates the "
        "user: it becomes a free Zoom account of its own, outside this account, and zoomadmin "
        f"forgets the host.\n\n{sessions_text(impact, timezone)}"
    )


def results_text(verb: str, results: Sequence[HostResult]) -> tuple[str, str]:
    """(status-bar line, details of the hosts that failed or "") after a multi-host action."""
    done = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    if len(results) == 1 and done:
        line = f"{verb} {done[0].email}."
    else:
        line = f"{verb} {len(done)} of {len(results)} hosts."
    details = "\n".join(f"• {r.email or 'a host'}: {r.error}" for r in failed)
    return line, details
