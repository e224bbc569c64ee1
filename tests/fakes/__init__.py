"""Test doubles: a fake Anthropic Messages API and isolated CLI environments."""
