"""The license pool in words: why a host holds a seat, what a move does, what an alert means.

Times are this computer's (or ``where``), as the other tabs show them; the service's own
alert messages are in UTC for the command line, so the words here are built from the
alerts' fields instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, tzinfo

from zoomadmin.services.license_control import (
    BasicSession,
    NextMove,
    PastMove,
    PoolAlert,
    PoolStatus,
    SeatHolder,
)
from zoomadmin.ui.common.dates import relative_text, short_time_text

Where = str | tzinfo | None

WHY_WORDS = {
    "protected": "Protected",
    "session": "Session",
    "idle": "Idle",
    "manual": "Manual",
}
ALERT_KINDS = {
    "off": "Pool off",
    "basic": "Runs as Basic",
    "shortfall": "Too few seats",
    "cooling": "Moves paused",
    "error": "Problem",
}
SEVERITY = ("off", "basic", "error", "shortfall", "cooling")
"""Alert kinds, the most pressing first (the banner's order)."""
NOTIFIED = frozenset({"basic", "shortfall"})
"""Alerts a desktop notification is shown for: a session will run as Basic."""
BASIC_WORDS = "runs as Basic: it is cut at 40 minutes and not recorded to the cloud"


def why_words(seat: SeatHolder) -> str:
    """Why a host holds a seat, in a word: Protected, Session, Idle or Manual."""
    return WHY_WORDS.get(seat.why, seat.why.title())


def why_details(seat: SeatHolder, now: datetime, where: Where = None) -> str:
    """The rest of the reason: “Algebra 2” until 14:05; idle since 13:10; ..."""
    live = "in the meeting now"
    if seat.why == "protected":
        return "staff outside every tenant: keeps its own seat"
    if seat.why == "session":
        if seat.session is None:
            return "in a meeting the calendar does not know"
        words = f"“{seat.session}”"
        if seat.until is not None:
            words += f" until {short_time_text(seat.until, now, where)}"
        return f"{words}, {live}" if seat.live else words
    if seat.why == "idle":
        since = f" since {short_time_text(seat.since, now, where)}" if seat.since else ""
        return f"no session needs it{since}; taken back when one does"
    if seat.why == "manual":
        return "given by staff: stays until detached"
    return ""


def change_words(to: str) -> str:
    """``licensed`` → "Gets a seat"; ``basic`` → "Gives its seat back"."""
    return "Gets a seat" if to == "licensed" else "Gives its seat back"


def move_reason(move: NextMove | PastMove) -> str:
    """What a move is for: “Algebra 2”; reclaimed for “Biology”; by staff."""
    session = f"“{move.session}”" if move.session else ""
    if move.reason == "manual":
        return "by staff"
    if move.reason == "reclaim":
        return f"reclaimed for {session}" if session else "reclaimed: idle"
    if move.reason == "reconcile":
        return "matched to Zoom"
    if move.to == "basic" and session:
        return f"{session} ended"
    return session or move.reason


def soon_words(moment: datetime, now: datetime) -> str:
    """ "in 25 min", "in 1 h 40 min" (within six hours), else as :func:`relative_text`."""
    minutes = int((moment - now).total_seconds() // 60)
    if not 60 <= minutes < 6 * 60:
        return relative_text(moment, now)
    hours, rest = divmod(minutes, 60)
    return f"in {hours} h {rest} min" if rest else f"in {hours} h"


def when_words(moment: datetime, now: datetime, where: Where = None) -> str:
    """ "14:05 (in 25 min)"."""
    return f"{short_time_text(moment, now, where)} ({soon_words(moment, now)})"


def _sessions(sessions: tuple[BasicSession, ...], now: datetime, where: Where) -> str:
    named = [f"“{s.title}” ({s.host}, {short_time_text(s.start, now, where)})" for s in sessions]
    if len(named) > 3:
        named = [*named[:3], f"{len(sessions) - 3} more"]
    return ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]


def _basic_words(sessions: tuple[BasicSession, ...], now: datetime, where: Where) -> str:
    they = "it" if len(sessions) == 1 else "each"
    return f"No paid seat for {_sessions(sessions, now, where)}: {they} {BASIC_WORDS}."


def alert_words(alert: PoolAlert, now: datetime, where: Where = None) -> str:
    """The alert as a sentence in local time (the service's own words for the rest)."""
    if alert.kind == "basic" and alert.basic:
        return _basic_words(alert.basic, now, where)
    if alert.kind == "shortfall" and alert.until is not None:
        span = f"{short_time_text(alert.at, now, where)}–{short_time_text(alert.until, now, where)}"
        words = (
            f"{span}: sessions need up to {alert.need} seats at once, the pool has {alert.have}."
        )
        if alert.basic:
            words += (
                f" {_sessions(alert.basic, now, where)} would run as Basic: cut at 40 minutes, "
                "with no cloud recording."
            )
        return words
    if alert.kind == "cooling" and alert.until is not None:
        return (
            "Zoom limits how often the account may move licenses: seats stay where they are "
            f"until {short_time_text(alert.until, now, where)}."
        )
    if alert.kind == "off":
        return (
            "The license pool is off: it moves no seats, so sessions of Basic hosts run as "
            "Basic (cut at 40 minutes, no cloud recording). Turn it on with Pool on (Ctrl+Shift+P)."
        )
    return alert.message


def notification(alert: PoolAlert, now: datetime, where: Where = None) -> tuple[str, str] | None:
    """The desktop notification's title and text for an alert that means a session runs as
    Basic (None for any other)."""
    if alert.kind not in NOTIFIED:
        return None
    if alert.kind == "basic":
        title = "A session runs as Basic"
    else:
        title = f"Too few paid seats at {short_time_text(alert.at, now, where)}"
    return title, alert_words(alert, now, where)


def banner_lines(alerts: Iterable[PoolAlert], now: datetime, where: Where = None) -> list[str]:
    """The alerts as the banner says them, the most pressing first: the sessions running as
    Basic now in one sentence, then each other alert."""
    ordered = by_severity(alerts)
    basic = tuple(
        sorted(
            (b for a in ordered if a.kind == "basic" for b in a.basic),
            key=lambda b: (b.start, b.title.casefold(), b.host),
        )
    )
    lines = []
    for alert in ordered:
        if alert.kind == "basic" and alert.basic:
            if basic:
                lines.append(_basic_words(basic, now, where))
                basic = ()
            continue
        lines.append(alert_words(alert, now, where))
    return lines


def by_severity(alerts: Iterable[PoolAlert]) -> list[PoolAlert]:
    """The alerts, the most pressing first, then by time; shortfalls that follow on from
    each other read as one (the plan reports each change of the seats needed)."""
    rank = {kind: n for n, kind in enumerate(SEVERITY)}
    return sorted(
        joined_shortfalls(alerts), key=lambda a: (rank.get(a.kind, len(rank)), a.at, a.key)
    )


def joined_shortfalls(alerts: Iterable[PoolAlert]) -> list[PoolAlert]:
    """``alerts`` with each run of shortfalls that follow on from each other made one (the
    widest need, every session it leaves as Basic), keyed by the first."""
    others = [a for a in alerts if a.kind != "shortfall" or a.until is None]
    runs: list[PoolAlert] = []
    for alert in sorted((a for a in alerts if a not in others), key=lambda a: a.at):
        last = runs[-1] if runs else None
        if last is not None and last.until is not None and alert.at <= last.until:
            basic = (*last.basic, *(b for b in alert.basic if b not in last.basic))
            runs[-1] = replace(
                last,
                until=max(last.until, alert.until or last.until),
                need=max(last.need, alert.need),
                sessions=tuple(dict.fromkeys((*last.sessions, *alert.sessions))),
                basic=basic,
            )
        else:
            runs.append(alert)
    return [*others, *runs]


def summary_words(status: PoolStatus) -> str:
    """ "3 of 5 paid seats in use; the pool lends 2 (3 protected users keep their own)"."""
    protected = len(status.protected)
    users = "user keeps its" if protected == 1 else "users keep their"
    return (
        f"{status.in_use} of {status.paid} paid seats in use; the pool lends "
        f"{status.movable} ({protected} protected {users} own)"
    )
