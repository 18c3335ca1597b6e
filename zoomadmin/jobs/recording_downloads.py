"""Runs the download queue whenever files are queued (and once at start, to resume)."""

from __future__ import annotations

from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.services.recording_downloads import DownloadService


class RecordingDownloadsJob:
    """Downloads what is queued, then waits until more is queued or the queue is resumed."""

    name = "recording-downloads"

    def __init__(self, downloads: DownloadService) -> None:
        self._downloads = downloads

    async def run(self, report: JobReport) -> None:
        """Work through the queue, wait, again, until cancelled."""
        downloads = self._downloads
        downloads.wake.set()  # files queued before a restart are resumed
        while True:
            await downloads.wake.wait()
            downloads.wake.clear()
            report.running("downloading recordings")
            summary = await downloads.run_queue()
            detail = f"{summary.verified} files downloaded, {len(summary.failed)} failed"
            report.waiting(None, detail if summary.files else "nothing to download")
