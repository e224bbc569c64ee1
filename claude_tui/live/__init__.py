"""The live half of the UI: engine events drawn into panes, prompts sent, permissions asked.

``controller.LiveController`` is what the app holds, and the app is a
``host.LiveHost`` to it. Its parts: ``session`` (the record of one open pane),
``inbox`` (events and notes handled in order per pane), ``sending`` (send, the
queue, retry), ``workers`` (the engine's manager and a worker per pane),
``permission_flow`` (the broker and the modal) and ``status`` (status line and
marker). ``renderer.TurnRenderer`` draws one session's events; ``text`` words
them. Textual widgets live in ``widgets/``; nothing here imports the SDK (the
engine does, lazily).
"""
