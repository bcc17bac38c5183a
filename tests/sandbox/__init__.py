"""Tests of the built-in sandbox (Zendesk, Trello and rota emulator)."""
