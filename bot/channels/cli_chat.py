"""The terminal channel (``troly chat``): a REPL over the same core the bots use.

Useful to try questions without a bot token, and as the reference for what every channel
shows: the answer text, then numbered citations "[n] label — section".
"""

from __future__ import annotations

from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage, Reply

__all__ = ["format_citations", "format_reply", "run_repl"]

PROMPT = "Bạn: "
EXIT_WORDS = frozenset({"thoát", "thoat", "/quit", "/exit"})


def format_citations(reply: Reply) -> list[str]:
    """One line per citation, numbered from 1 like the web page's list."""
    return [
        f"[{i}] {c.label()}" + (f" — {c.section}" if c.section.strip() else "")
        for i, c in enumerate(reply.citations, start=1)
    ]


def format_reply(reply: Reply) -> str:
    """Plain-text rendering of a reply: text, citations, then quick replies the user may type."""
    lines = [reply.text]
    citations = format_citations(reply)
    if citations:
        lines += ["", "Nguồn:", *citations]
    if reply.buttons:
        lines += ["", "Gợi ý: " + " · ".join(b.label for b in reply.buttons)]
    return "\n".join(lines)


def run_repl(assistant: Assistant, *, user_id: str = "cli") -> None:
    """Read questions with ``input()`` until EOF, Ctrl-C, "thoát" or "/quit"; print each reply.

    Typing a quick reply's label sends its ``data``, as tapping the button would in a chat app.
    """
    print('Trợ lý văn bản chỉ đạo. Gõ câu hỏi; "thoát" hoặc /quit để kết thúc.')
    buttons: dict[str, str] = {}
    while True:
        try:
            line = input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return
        text = line.strip()
        if not text:
            continue
        if text.casefold() in EXIT_WORDS:
            return
        text = buttons.get(text.casefold(), text)
        reply = assistant.handle(IncomingMessage(channel="cli", user_id=user_id, text=text))
        buttons = {b.label.casefold(): b.data for b in reply.buttons}
        print(format_reply(reply))
        print()
