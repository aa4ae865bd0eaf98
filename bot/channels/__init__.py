"""Channel adapters: each turns its platform's payloads into ``IncomingMessage`` and renders ``Reply``.

``web`` (the browser chat page and ``/api/chat``) and ``cli_chat`` (the terminal REPL) live here;
``telegram`` and ``zalo``, when present, are picked up by ``bot.app.create_app``.
"""
