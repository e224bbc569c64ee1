"""claude-tui: a keyboard-driven terminal app for living with Claude sessions."""

__version__ = "0.1.0"
