"""The one parser of "/cmd@bot args", shared by the router, the idea form and the Telegram adapter."""

from __future__ import annotations

import pytest

from bot.core.commands import split_command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/nhiemvu@troly_test_bot Tỉnh đoàn", ("/nhiemvu", "Tỉnh đoàn")),
        ("/YTUONG trangthai YT-2026-000123", ("/ytuong", "trangthai YT-2026-000123")),
        ("  /hanchot   tháng này  ", ("/hanchot", "tháng này")),
        ("/hoi\nAi chủ trì SOC?", ("/hoi", "Ai chủ trì SOC?")),
        ("/start", ("/start", "")),
        ("/start@troly_bot", ("/start", "")),
        ("Ai chủ trì SOC? ", ("", "Ai chủ trì SOC?")),
        ("", ("", "")),
    ],
    ids=["mention", "case", "spaces", "newline", "bare", "bare-mention", "not-a-command", "empty"],
)
def test_split_command(text: str, expected: tuple[str, str]) -> None:
    """Name lower-cased without the bot mention, arguments stripped; plain text is not a command."""
    assert split_command(text) == expected
