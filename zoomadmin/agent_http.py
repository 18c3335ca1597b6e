"""The agent's HTTP faces: ``/healthz`` and Prometheus ``/metrics``; Zoom's webhooks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from zoomadmin.core.errors import AppError
from zoomadmin.core.redaction import register_secret
from zoomadmin.jobs.supervisor import JobState

if TYPE_CHECKING:
    from zoomadmin.agent import AgentWatch

WEBHOOK_SECRET = "ZOOMADMIN_WEBHOOK_SECRET_TOKEN"  # noqa: S105 - the variable's name
WEBHOOK_SECRET_FILE = "ZOOMADMIN_WEBHOOK_SECRET_TOKEN_FILE"  # noqa: S105 - a variable's name
UP = (JobState.RUNNING, JobState.WAITING)


class WebhookSecretError(AppError):
    """The webhook receiver was asked for without its secret token."""


def webhook_secret(environ: Mapping[str, str]) -> str:
    """The Zoom app's webhook secret token, from its variable or file (never an argument)."""
    value = environ.get(WEBHOOK_SECRET, "").strip()
    name = environ.get(WEBHOOK_SECRET_FILE, "").strip()
    if name:
        try:
            value = Path(name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise WebhookSecretError(
                f"The webhook secret token file {name} cannot be read ({type(exc).__name__})."
            ) from None
    if not value:
        raise WebhookSecretError(
            f"--webhook-listen needs {WEBHOOK_SECRET} or {WEBHOOK_SECRET_FILE} (the secret "
            "token of the Zoom app's event subscription)."
        )
    register_secret(value)
    return value


class AgentCollector(Collector):
    """The agent's figures, read when Prometheus scrapes."""

    def __init__(self, watch: AgentWatch) -> None:
        self._watch = watch
        self.latest: dict[str, Any] = {}
        """The newest status (refreshed by ``/metrics`` before each scrape)."""

    def collect(self) -> Iterator[Metric]:
        """jobs up, queue depth, seats in use, last event age, Zoom errors by kind."""
        runtime = self._watch.runtime
        leading = GaugeMetricFamily("zoomadmin_leading", "1 while this process runs the jobs")
        leading.add_metric([], 1.0 if runtime.supervisor.leading else 0.0)
        yield leading
        jobs = GaugeMetricFamily("zoomadmin_job_up", "1 while a job runs or waits", labels=["job"])
        for status in runtime.job_statuses:
            jobs.add_metric([status.name], 1.0 if status.state in UP else 0.0)
        yield jobs
        queue = self.latest.get("queue") or {}
        depth = GaugeMetricFamily(
            "zoomadmin_queue_depth", "meeting writes not yet sent", labels=["state"]
        )
        for state in ("queued", "waiting", "failed"):
            depth.add_metric([state], float(queue.get(state, 0)))
        yield depth
        pool = self.latest.get("pool") or {}
        seats = GaugeMetricFamily("zoomadmin_seats_in_use", "licensed pool seats in use")
        seats.add_metric([], float(pool.get("in_use", 0)))
        yield seats
        age = self._watch.last_event_age()
        last = GaugeMetricFamily(
            "zoomadmin_last_event_age_seconds", "seconds since the last Zoom event (-1: none)"
        )
        last.add_metric([], -1.0 if age is None else age)
        yield last
        stats = runtime.account.client.transport.stats
        errors = CounterMetricFamily(
            "zoomadmin_zoom_errors", "Zoom answers that were not a success", labels=["kind"]
        )
        errors.add_metric(["rate_limited"], float(stats.rate_limited))
        errors.add_metric(["retried"], float(stats.retries))
        errors.add_metric(["unauthorized"], float(stats.unauthorized))
        failed = sum(s.state is JobState.FAILED for s in runtime.job_statuses)
        errors.add_metric(["job_failed"], float(failed))
        yield errors
        requests = CounterMetricFamily("zoomadmin_zoom_requests", "requests sent to Zoom")
        requests.add_metric([], float(stats.requests))
        yield requests


def health_app(watch: AgentWatch) -> Starlette:
    """``/healthz`` (200 while no job failed; ``leading`` says whether this one leads: a
    reverse proxy sends webhooks to ``/healthz/leader``'s 200) and ``/metrics``."""
    registry = CollectorRegistry()
    collector = AgentCollector(watch)
    registry.register(collector)

    async def healthz(_request: Request) -> Response:
        runtime = watch.runtime
        failed = [s.name for s in runtime.job_statuses if s.state is JobState.FAILED]
        body = {"ok": not failed, "leading": runtime.supervisor.leading, "failed": failed}
        return JSONResponse(body, status_code=503 if failed else 200)

    async def leader(_request: Request) -> Response:
        leading = watch.runtime.supervisor.leading
        return JSONResponse({"leading": leading}, status_code=200 if leading else 503)

    async def metrics(_request: Request) -> Response:
        collector.latest = await watch.status()
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/healthz/leader", leader),
            Route("/metrics", metrics),
        ]
    )
