"""The live half of the UI: engine events drawn into panes, prompts sent, permissions asked.

``controller.LiveController`` is what the app holds; ``renderer.TurnRenderer``
draws one session's events; ``text`` words them. Textual widgets live in
``widgets/``; nothing here imports the SDK (the engine does, lazily).
"""
