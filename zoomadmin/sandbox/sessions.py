"""What happens in one meeting session: who joins when, how long it runs, what it records."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from zoomadmin.sandbox import media
from zoomadmin.sandbox.recurrence import occurrences
from zoomadmin.sandbox.state import (
    AccountConfig,
    LiveMeeting,
    Meeting,
    PastMeeting,
    Recording,
    RecordingFile,
    SandboxState,
    User,
    random_id,
)

#: Zoom quirk: a meeting hosted by a Basic (type 1) user ends at 40 minutes.
BASIC_CUT = timedelta(minutes=40)
#: How late a late-joining host turns up.
LATE_MINUTES = (2, 8)
MAX_LATE = timedelta(minutes=LATE_MINUTES[1])
RECORDED_FILES = ("MP4", "M4A", "TRANSCRIPT", "CHAT")
_GUESTS = (
    "Liam Carter",
    "Olivia Chen",
    "Noah Schmidt",
    "Emma Rossi",
    "Lucas Dubois",
    "Mia Kowalski",
    "Ethan Murphy",
    "Ava Haddad",
    "Mateo García",
    "Isla MacLeod",
    "Yusuf Demir",
    "Hana Sato",
)


@dataclass(frozen=True, slots=True)
class Session:
    """One scheduled session of a meeting (a type 2 meeting or one occurrence of a type 8)."""

    meeting_id: int
    occurrence_id: str | None
    start: datetime
    duration: int

    @property
    def key(self) -> tuple[int, str]:
        """Identity of the session (a type 2 meeting has one)."""
        return self.meeting_id, self.occurrence_id or ""


@dataclass(frozen=True, slots=True)
class Plan:
    """How a session will go, drawn deterministically from the seed and the session."""

    no_show: bool
    start: datetime
    natural_end: datetime  # scheduled length plus overrun, before any 40-minute cut
    participants: int
    recording_delay: timedelta


def sessions(meeting: Meeting) -> list[Session]:
    """The sessions of a scheduled or recurring meeting (deleted occurrences left out)."""
    if meeting.deleted or meeting.start_time is None:
        return []
    if meeting.type == 2:
        return [Session(meeting.id, None, meeting.start_time, meeting.duration)]
    if meeting.type == 8:
        return [
            Session(meeting.id, occ.occurrence_id, occ.start_time, occ.duration)
            for occ in occurrences(meeting)
            if occ.status == "available"
        ]
    return []


def plan(session: Session, account: AccountConfig, seed: int) -> Plan:
    """Late join, no-show, overrun, attendance and recording delay of ``session``."""
    rng = random.Random(f"{seed}:{session.meeting_id}:{session.occurrence_id or ''}")
    no_show = rng.random() < account.no_show_share
    late = rng.random() < account.late_join_share
    delay = timedelta(minutes=rng.randint(*LATE_MINUTES)) if late else timedelta(0)
    start = session.start + delay
    overrun = timedelta(minutes=rng.randint(*account.overrun_minutes))
    return Plan(
        no_show=no_show,
        start=start,
        natural_end=start + timedelta(minutes=session.duration) + overrun,
        participants=rng.randint(1, 8),
        recording_delay=timedelta(minutes=rng.randint(*account.recording_delay_minutes)),
    )


def licensed_during(user: User | None, start: datetime, end: datetime) -> bool:
    """True if ``user`` held a paid seat (type 2) at any moment in [start, end)."""
    if user is None:
        return False
    for began, ended in user.licensed_spans:
        if began < end and (ended is None or ended > start):
            return True
    return False


def concurrent_limit(account: AccountConfig, host: User | None, at: datetime) -> int:
    """Meetings a host may run at once: 2 for Licensed hosts on Business, else 1."""
    if account.plan == "business" and licensed_during(host, at, at + timedelta(seconds=1)):
        return 2
    return 1


def cloud_recorded(meeting: Meeting, host: User | None) -> bool:
    """Whether the meeting records to the cloud (meeting setting, else the host's default)."""
    setting = meeting.settings.get("auto_recording")
    if setting is None and host is not None:
        setting = host.settings.get("recording", {}).get("auto_recording")
    return setting == "cloud"


def participants(
    host: User | None, count: int, start: datetime, end: datetime, seed: str
) -> list[dict[str, Any]]:
    """Attendance of one instance: the host throughout, guests joining in the first minutes."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    if host is not None:
        name = f"{host.first_name} {host.last_name}".strip()
        people.append(_attendee(host.id, name, host.email, start, end))
    for name in rng.sample(_GUESTS, min(count, len(_GUESTS))):
        joined = min(end, start + timedelta(seconds=rng.randint(0, 300)))
        left = max(joined, end - timedelta(seconds=rng.randint(0, 120)))
        email = name.lower().replace(" ", ".") + "@students.example"
        people.append(_attendee(random_id(rng, 22), name, email, joined, left))
    return people


def _attendee(pid: str, name: str, email: str, joined: datetime, left: datetime) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "user_email": email,
        "join_time": joined,
        "leave_time": left,
        "duration": int((left - joined).total_seconds()),
    }


def past_meeting(
    meeting: Meeting, uuid: str, start: datetime, end: datetime, people: list[dict[str, Any]]
) -> PastMeeting:
    """The record of an ended instance."""
    return PastMeeting(
        uuid=uuid,
        meeting_id=meeting.id,
        host_id=meeting.host_id,
        topic=meeting.topic,
        type=meeting.type,
        start_time=start,
        end_time=end,
        duration=max(1, round((end - start).total_seconds() / 60)),
        participants=people,
        total_minutes=sum(p["duration"] for p in people) // 60,
    )


def recording(past: PastMeeting, meeting: Meeting, completed_at: datetime) -> Recording:
    """The cloud recording of an ended instance: MP4, M4A, transcript and chat files."""
    rng = random.Random(past.uuid)
    seconds = max(1, int((past.end_time - past.start_time).total_seconds()))
    files = []
    for file_type in RECORDED_FILES:
        extension, recording_type = media.FILE_KINDS[file_type]
        file_id = f"{random_id(rng, 8)}-{random_id(rng, 4)}-{random_id(rng, 12)}"
        files.append(
            RecordingFile(
                id=file_id,
                meeting_uuid=past.uuid,
                file_type=file_type,
                file_extension=extension,
                recording_type=recording_type,
                recording_start=past.start_time,
                recording_end=past.start_time + timedelta(seconds=seconds),
                file_size=media.file_size(file_type, recording_type, seconds, file_id),
            )
        )
    return Recording(
        uuid=past.uuid,
        meeting_id=past.meeting_id,
        host_id=past.host_id,
        topic=past.topic,
        type=past.type,
        start_time=past.start_time,
        duration=past.duration,
        timezone=meeting.timezone,
        password=meeting.password or random_id(rng, 8),
        share_url=f"https://zoom.us/rec/share/{random_id(rng, 43)}",
        completed_at=completed_at,
        files=files,
    )


def go_live(
    state: SandboxState,
    meeting: Meeting,
    host: User | None,
    *,
    session: Session,
    start_plan: Plan,
    uuid: str,
    end: datetime,
) -> LiveMeeting:
    """Put one session in progress (until ``end``; before its natural end means cut at 40)."""
    people = participants(
        host, start_plan.participants, start_plan.start, start_plan.natural_end, uuid
    )
    live = LiveMeeting(
        meeting_id=meeting.id,
        uuid=uuid,
        host_id=meeting.host_id,
        started_at=start_plan.start,
        scheduled_end=session.start + timedelta(minutes=session.duration),
        ends_at=end,
        occurrence_id=session.occurrence_id,
        participants=[{k: v for k, v in p.items() if k != "leave_time"} for p in people],
        cut_at_40=end < start_plan.natural_end,
    )
    state.live[meeting.id] = live
    meeting.status = "started"
    return live
