"""The terminal channel (``troly chat``): a REPL over the same core the bots use.

Useful to try questions without a bot token; replies are rendered by the terminal renderer
(:mod:`bot.channels.render.terminal`), with the citation format every channel shares.
"""

from __future__ import annotations

from bot.channels.render import render_terminal
from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage

__all__ = ["run_repl"]

PROMPT = "Bạn: "
EXIT_WORDS = frozenset({"thoát", "thoat", "/quit", "/exit"})


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
        print(render_terminal(reply))
        print()
