"""Chat commands: the one parser of "/cmd@bot args", used by every channel and the core."""

from __future__ import annotations

__all__ = ["split_command"]


def split_command(text: str) -> tuple[str, str]:
    """Split a command message into its name and its arguments.

    Args:
        text: a user's message, e.g. "/ytuong@troly_bot trangthai YT-2026-000123".

    Returns:
        ("/ytuong", "trangthai YT-2026-000123"): the name lower-cased, without the "@bot" mention
        Telegram adds in groups, and the stripped arguments; ("", text stripped) when the message
        is not a command.
    """
    t = (text or "").strip()
    if not t.startswith("/"):
        return "", t
    parts = t.split(maxsplit=1)
    head, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    return head.split("@", 1)[0].lower(), rest.strip()
