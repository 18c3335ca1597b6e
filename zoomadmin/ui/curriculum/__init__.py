"""The curriculum wizard and the curriculum CSV import (one wizard, two ways in).

The entry point other screens use (the Calendar tab, the main window's Schedule menu)::

    from zoomadmin.ui.curriculum.wizard import open_curriculum_wizard

    wizard = open_curriculum_wizard(parent, curricula, runner)  # New curriculum…
    wizard = open_curriculum_wizard(parent, curricula, runner, import_csv=True)  # asks a file
    wizard = open_curriculum_wizard(parent, curricula, runner, csv_path=path)  # that file
    wizard.submitted.connect(lambda done: ...)  # a services.curriculum.Submitted

``curricula`` is the account's :class:`~zoomadmin.services.curriculum.CurriculumService`
and ``runner`` the desk's :class:`~zoomadmin.ui.common.async_runner.AsyncRunner`; optional
``tenant=`` (name) and ``host_email=`` preselect the first page, and ``settings=`` (the
window's QSettings) keeps unsubmitted entries there so a crash loses nothing. The wizard opens
window-modal without blocking, deletes itself when closed, and sends nothing to Zoom: Finish
puts the plan's intents in the queue, whose job sends them.

- ``wizard.py``: :class:`CurriculumWizard` and its pages (tenant, host and title; weekly
  slots, term, holidays, time zone; the preview), :func:`open_curriculum_wizard`.
- ``term_editor.py``: the weekly slots table and the holidays list.
- ``preview_view.py``: :class:`CurriculumPreviewView`, the preview (cost per host against
  what it has left today, when the last request goes, problems and conflicts with their
  sessions, users to link), shared by both ways in.
"""
