"""Whole-screen and modal views of claude-tui (help, and later settings, confirm ...)."""
