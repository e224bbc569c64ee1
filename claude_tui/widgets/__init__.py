"""Textual widgets of claude-tui: thin views over store rows and transcript messages.

Each module holds one widget and the messages it posts. Widgets never touch the
store or the engine: the app feeds them data and reacts to their messages.
"""
