"""Default settings trees of a sandbox user and account, shaped like Zoom's settings objects."""

from __future__ import annotations

import copy
from typing import Any

#: Realistic full admin scope set granted by default (granular scopes of an S2S admin app).
DEFAULT_SCOPES: frozenset[str] = frozenset(
    {
        "user:read:admin",
        "user:write:admin",
        "user:read:list_users:admin",
        "user:read:user:admin",
        "user:write:user:admin",
        "user:update:user:admin",
        "user:delete:user:admin",
        "user:read:settings:admin",
        "user:update:settings:admin",
        "user:read:summary:admin",
        "user:read:email:admin",
        "user:update:status:admin",
        "meeting:read:admin",
        "meeting:write:admin",
        "meeting:read:meeting:admin",
        "meeting:read:list_meetings:admin",
        "meeting:write:meeting:admin",
        "meeting:update:meeting:admin",
        "meeting:delete:meeting:admin",
        "meeting:update:status:admin",
        "meeting:read:past_meeting:admin",
        "meeting:read:list_past_participants:admin",
        "recording:read:admin",
        "recording:write:admin",
        "cloud_recording:read:list_user_recordings:admin",
        "cloud_recording:read:list_account_recordings:admin",
        "cloud_recording:read:list_recording_files:admin",
        "cloud_recording:delete:meeting_recording:admin",
        "cloud_recording:delete:recording_file:admin",
        "cloud_recording:update:recover_meeting_recordings:admin",
        "account:read:admin",
        "account:write:admin",
        "account:read:settings:admin",
        "account:read:lock_settings:admin",
        "account:update:lock_settings:admin",
        "group:read:admin",
        "group:write:admin",
        "billing:read:plan_usage:admin",
        "dashboard_meetings:read:admin",
        "dashboard:read:list_meetings:admin",
    }
)


#: A Basic user's settings tree (the groups Zoom returns from GET /users/{userId}/settings).
_BASIC_USER_SETTINGS: dict[str, dict[str, Any]] = {
    "schedule_meeting": {
        "host_video": True,
        "participants_video": True,
        "join_before_host": False,
        "jbh_time": 0,
        "audio_type": "both",
        "use_pmi_for_scheduled_meetings": False,
        "use_pmi_for_instant_meetings": False,
        "require_password_for_scheduling_new_meetings": True,
        "require_password_for_scheduled_meetings": True,
        "require_password_for_instant_meetings": True,
        "require_password_for_pmi_meetings": "jbh_only",
        "default_password_for_scheduled_meetings": "",
        "mute_upon_entry": False,
        "embed_password_in_join_link": True,
    },
    "in_meeting": {
        "waiting_room": True,
        "e2e_encryption": False,
        "chat": True,
        "private_chat": True,
        "auto_saving_chat": False,
        "co_host": True,
        "breakout_room": True,
        "screen_sharing": True,
        "who_can_share_screen": "host",
        "polling": True,
        "closed_caption": True,
        "show_meeting_control_toolbar": False,
    },
    "email_notification": {
        "cloud_recording_available_reminder": True,
        "jbh_reminder": True,
        "cancel_meeting_reminder": True,
        "alternative_host_reminder": True,
        "schedule_for_reminder": True,
    },
    "recording": {
        "local_recording": True,
        "cloud_recording": False,
        "record_speaker_view": True,
        "record_gallery_view": False,
        "record_audio_file": True,
        "save_chat_text": True,
        "show_timestamp": True,
        "recording_audio_transcript": False,
        "auto_recording": "none",
        "auto_delete_cmr": False,
        "auto_delete_cmr_days": 30,
        "host_pause_stop_recording": True,
        "recording_disclaimer": False,
        "host_delete_cloud_recording": True,
    },
    "telephony": {
        "third_party_audio": False,
        "audio_conference_info": "",
        "show_international_numbers_link": True,
    },
    "feature": {
        "meeting_capacity": 100,
        "large_meeting": False,
        "webinar": False,
        "cn_meeting": False,
        "in_meeting": False,
        "zoom_phone": False,
    },
}


def default_user_settings(user_type: int = 1) -> dict[str, dict[str, Any]]:
    """A fresh user settings tree; a Licensed (type 2) user also records to the cloud."""
    settings = copy.deepcopy(_BASIC_USER_SETTINGS)
    if user_type == 2:
        settings["recording"]["cloud_recording"] = True
        settings["recording"]["recording_audio_transcript"] = True
        settings["feature"]["meeting_capacity"] = 300
    return settings


def default_account_settings() -> dict[str, dict[str, Any]]:
    """The account-level settings tree (GET /accounts/me/settings)."""
    tree = default_user_settings(2)
    tree["recording"]["cloud_recording"] = True
    return tree


def default_lock_settings() -> dict[str, dict[str, bool]]:
    """The account's locked-settings tree: every leaf a boolean, nothing locked at first."""
    return {
        group: {key: False for key in values}
        for group, values in default_account_settings().items()
        if group != "feature"
    }
