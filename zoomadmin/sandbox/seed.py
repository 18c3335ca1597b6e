"""Seed data: an empty account, a believable demo school, or a bulk account for load tests."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zoomadmin.sandbox import sessions as ses
from zoomadmin.sandbox.state import Meeting, SandboxState, User, random_id

DOMAIN = "learnwell.example"
#: The shared mailbox the demo's tenant hosts are plus-addressed on: teach+{slug}-{n}@DOMAIN.
MAILBOX = "teach"
#: How far before "now" the demo term began, and its length in weeks.
TERM_STARTED_WEEKS_AGO = 6
TERM_WEEKS = 12
#: Zoom licenses the demo's tenant hosts shortly before each past session (as zoomadmin does).
LICENSE_LEAD = timedelta(minutes=10)


class SeedError(ValueError):
    """An unknown seed name."""


@dataclass(frozen=True, slots=True)
class Tenant:
    """A zoomadmin tenant's worth of demo hosts."""

    slug: str
    timezone: str
    local_time: time
    subjects: tuple[str, ...]
    teachers: tuple[tuple[str, str], ...]
    name: str = ""
    """The tenant's name as zoomadmin's demo set-up creates it."""


TENANTS = (
    Tenant(
        "northside",
        "America/New_York",
        time(16, 0),
        ("Algebra I", "World History", "Chemistry", "Spanish II"),
        (("Marcus", "Reyes"), ("Jennifer", "Walsh"), ("Andre", "Thompson"), ("Grace", "Kim")),
        "Northside High",
    ),
    Tenant(
        "harbourview",
        "Europe/London",
        time(10, 30),
        ("GCSE Maths", "English Literature", "Physics", "French"),
        (("Fiona", "Campbell"), ("Oliver", "Hughes"), ("Aisha", "Rahman"), ("Rhys", "Evans")),
        "Harbourview Academy",
    ),
    Tenant(
        "southbank",
        "Australia/Sydney",
        time(18, 0),
        ("Year 11 Biology", "Economics", "Japanese", "Study Skills"),
        (("Chloe", "Nguyen"), ("Liam", "O'Brien"), ("Sienna", "Patel"), ("Jack", "Wilson")),
        "Southbank College",
    ),
)
STAFF = (("Priya", "Shah", "1"), ("Daniel", "Okoro", "2"), ("Hannah", "Berg", "2"))
#: The owner's weekly leadership meeting (one-off meetings, recorded to the cloud): days
#: relative to "now", so the past ones fall in the last month, where "my recordings" look.
OWNER_MEETING_DAYS = (-25, -18, -11, -4, 3, 10)
OWNER_MEETING_TIME = time(14, 0)


def _user(
    state: SandboxState,
    rng: random.Random,
    email: str,
    name: tuple[str, str],
    *,
    licensed: bool,
    created: datetime,
    timezone: str = "UTC",
    role_id: str = "2",
) -> User:
    user = User(
        id=state.new_user_id(rng),
        email=email,
        first_name=name[0],
        last_name=name[1],
        display_name=f"{name[0]} {name[1]}",
        type=2 if licensed else 1,
        status="active",
        created_at=created,
        pmi=rng.randrange(2_000_000_000, 9_999_999_999),
        role_id=role_id,
        timezone=timezone,
        last_login_time=created,
    )
    if licensed:
        user.licensed_spans.append((created, None))
        user.settings["recording"]["cloud_recording"] = True
    user.settings["recording"]["auto_recording"] = "cloud"
    state.add_user(user)
    return user


def _meeting(
    state: SandboxState,
    rng: random.Random,
    host: User,
    *,
    topic: str,
    start: datetime,
    duration: int,
    recurrence: dict[str, object] | None = None,
) -> Meeting:
    meeting = Meeting(
        id=state.new_meeting_id(rng),
        uuid=state.new_uuid(rng),
        host_id=host.id,
        topic=topic,
        type=8 if recurrence else 2,
        start_time=start,
        duration=duration,
        timezone=host.timezone,
        created_at=start - timedelta(days=14 + rng.randrange(14)),
        password=random_id(rng, 6),
        settings={"auto_recording": "cloud", "waiting_room": True, "alternative_hosts": ""},
        recurrence=recurrence,
    )
    state.add_meeting(meeting)
    return meeting


def _term_start(tenant: Tenant, now: datetime, weekday_offset: int) -> datetime:
    """A session start in the tenant's zone, TERM_STARTED_WEEKS_AGO weeks before ``now``."""
    zone = ZoneInfo(tenant.timezone)
    day = (now - timedelta(weeks=TERM_STARTED_WEEKS_AGO)).astimezone(zone).date()
    day -= timedelta(days=day.weekday())  # that week's Monday
    day += timedelta(days=weekday_offset)
    return datetime.combine(day, tenant.local_time, tzinfo=zone).astimezone(UTC)


def seed(state: SandboxState, name: str, *, now: datetime, seed_value: int = 0) -> None:
    """Fill an empty account: ``"empty"`` (just the owner) or ``"demo"`` (a school's term)."""
    if name not in ("empty", "demo"):
        raise SeedError(f"unknown seed {name!r}: choose 'empty' or 'demo'")
    rng = random.Random(seed_value)
    created = now - timedelta(days=400)
    owner_name = ("Morgan", "Ellis")
    _user(
        state,
        rng,
        state.account.owner_email,
        owner_name,
        licensed=True,
        created=created,
        role_id="0",
    )
    if name == "empty":
        return
    _seed_demo(state, rng, now, seed_value)


def _seed_demo(state: SandboxState, rng: random.Random, now: datetime, seed_value: int) -> None:
    state.account.paid_seats = 5
    created = now - timedelta(days=200)
    staff = _seed_staff(state, rng, now, created)
    _seed_tenants(state, rng, now, created)
    _pending_host(state, rng, now)
    _live_now(state, rng, staff[0], now)
    # Its own stream: the draws above (ids, days) stay what they were before the owner's meetings.
    _owner_meetings(state, random.Random(seed_value + 0x0BE5), now)
    _fill_past(state, now, seed_value)


def _seed_staff(
    state: SandboxState, rng: random.Random, now: datetime, created: datetime
) -> list[User]:
    """The school's staff (two Licensed) with fortnightly meetings of their own."""
    staff = [
        _user(
            state,
            rng,
            f"{first.lower()}.{last.lower()}@{DOMAIN}",
            (first, last),
            licensed=index < 2,
            created=created,
            timezone="America/New_York",
            role_id=role,
        )
        for index, (first, last, role) in enumerate(STAFF)
    ]
    for index, host in enumerate(staff):
        start = now - timedelta(weeks=10) + timedelta(days=index, hours=15 - now.hour)
        for week in range(0, 14, 2):
            topic = ("Staff briefing", "Curriculum review", "Parent evening prep")[index]
            _meeting(
                state, rng, host, topic=topic, start=start + timedelta(weeks=week), duration=45
            )
    return staff


def _seed_tenants(
    state: SandboxState, rng: random.Random, now: datetime, created: datetime
) -> None:
    """Each tenant's plus-addressed Basic teachers, each with a weekly series for the term."""
    for tenant in TENANTS:
        for number, (teacher, subject) in enumerate(
            zip(tenant.teachers, tenant.subjects, strict=True), 1
        ):
            email = f"{MAILBOX}+{tenant.slug}-{number}@{DOMAIN}"
            host = _user(
                state,
                rng,
                email,
                teacher,
                licensed=False,
                created=created,
                timezone=tenant.timezone,
            )
            days = sorted(rng.sample(range(5), 2 if number % 2 else 1))
            recurrence = {
                "type": 2,
                "repeat_interval": 1,
                "weekly_days": ",".join(str(d + 2) for d in days),  # Zoom: 2 = Monday
                "end_times": TERM_WEEKS * len(days),
            }
            start = _term_start(tenant, now, days[0]) + timedelta(minutes=30 * (number - 1))
            _meeting(
                state,
                rng,
                host,
                topic=f"{subject} ({tenant.slug.title()})",
                start=start,
                duration=50 + 10 * (number % 3),
                recurrence=recurrence,
            )


def _pending_host(state: SandboxState, rng: random.Random, now: datetime) -> None:
    user = _user(
        state,
        rng,
        f"{MAILBOX}+northside-5@{DOMAIN}",
        ("Samuel", "Ortiz"),
        licensed=False,
        created=now - timedelta(minutes=5),
        timezone="America/New_York",
    )
    user.status = "pending"
    user.activates_at = now + timedelta(minutes=state.account.pending_activation_minutes)


def _live_now(state: SandboxState, rng: random.Random, host: User, now: datetime) -> None:
    """A one-off meeting that started shortly before ``now`` (so the account looks alive)."""
    start = now - timedelta(minutes=12)
    _meeting(state, rng, host, topic="Open office hour", start=start, duration=60)


def _owner_meetings(state: SandboxState, rng: random.Random, now: datetime) -> None:
    """The owner's own cloud-recorded meetings: the past ones give "my recordings" content."""
    owner = state.users[state.owner_id]
    for offset in OWNER_MEETING_DAYS:
        day = (now + timedelta(days=offset)).astimezone(UTC).date()
        start = datetime.combine(day, OWNER_MEETING_TIME, tzinfo=UTC)
        _meeting(state, rng, owner, topic="Leadership team", start=start, duration=40)


def _fill_past(state: SandboxState, now: datetime, seed_value: int) -> None:
    """Play every session before ``now`` by the simulation's rules, without ticking."""
    rng = random.Random(seed_value + 0x5EED)
    planned: list[tuple[datetime, ses.Session, ses.Plan]] = []
    for meeting in list(state.meetings.values()):
        for session in ses.sessions(meeting):
            plan = ses.plan(session, state.account, seed_value)
            if session.start < now and plan.start < now and not plan.no_show:
                planned.append((plan.start, session, plan))
    planned.sort(key=lambda item: (item[0], item[1].meeting_id))
    running: dict[str, list[datetime]] = {}
    for start, session, plan in planned:
        meeting = state.meetings[session.meeting_id]
        host = state.users[meeting.host_id]
        if host.type == 1:
            _license_for(state, host, start, plan.natural_end, now)
        ends = [end for end in running.get(host.id, []) if end > start]
        if len(ends) >= ses.concurrent_limit(state.account, host, start):
            continue  # the host was busy: this session never started
        cut = not ses.licensed_during(host, start, start + ses.BASIC_CUT)
        end = min(plan.natural_end, start + ses.BASIC_CUT) if cut else plan.natural_end
        running[host.id] = [*ends, end]
        uuid = meeting.uuid if not state.past_by_meeting.get(meeting.id) else state.new_uuid(rng)
        if end > now:
            ses.go_live(state, meeting, host, session=session, start_plan=plan, uuid=uuid, end=end)
            continue
        people = ses.participants(host, plan.participants, start, end, uuid)
        past = ses.past_meeting(meeting, uuid, start, end, people)
        state.add_past(past)
        completed = end + plan.recording_delay
        recorded = ses.cloud_recorded(meeting, host) and ses.licensed_during(host, start, end)
        if recorded and completed <= now:
            state.add_recording(ses.recording(past, meeting, completed))
        elif recorded:  # still processing at start-up: recording.completed follows shortly
            state.pending_recordings.append((completed, uuid))


def _license_for(
    state: SandboxState, host: User, start: datetime, end: datetime, now: datetime
) -> None:
    """The seat zoomadmin would have lent a Basic host for one session."""
    release = end + timedelta(minutes=5)
    if release < now:
        host.licensed_spans.append((start - LICENSE_LEAD, release))
        return
    seats_used = sum(1 for user in state.users.values() if user.type == 2)
    if seats_used < state.account.paid_seats:
        host.licensed_spans.append((start - LICENSE_LEAD, None))
        host.type = 2


def seed_bulk(
    state: SandboxState, *, users: int, meetings: int, seed_value: int = 0, now: datetime
) -> None:
    """A large account for load tests: ``users`` Basic hosts and ``meetings`` one-off meetings."""
    rng = random.Random(seed_value)
    created = now - timedelta(days=90)
    if not state.owner_id:
        _user(
            state,
            rng,
            state.account.owner_email,
            ("Morgan", "Ellis"),
            licensed=True,
            created=created,
            role_id="0",
        )
    hosts = []
    for index in range(users):
        user = User(
            id=state.new_user_id(rng),
            email=f"host+bulk-{index}@{DOMAIN}",
            first_name="Host",
            last_name=f"{index:05d}",
            type=1,
            status="active",
            created_at=created,
            pmi=2_000_000_000 + index,
        )
        state.add_user(user)
        hosts.append(user)
    if not hosts:
        hosts = [state.users[state.owner_id]]
    base = now.replace(minute=0, second=0, microsecond=0)
    for index in range(meetings):
        host = hosts[index % len(hosts)]
        start = base + timedelta(hours=rng.randrange(-24 * 60, 24 * 60))
        state.add_meeting(
            Meeting(
                id=state.new_meeting_id(rng),
                uuid=state.new_uuid(rng),
                host_id=host.id,
                topic=f"Session {index}",
                type=2,
                start_time=start,
                duration=rng.choice((30, 45, 60)),
                timezone="UTC",
                created_at=created,
            )
        )
