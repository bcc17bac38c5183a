"""Trello cards for tickets, boards by name, and the weekly tasks."""
