"""The ticket workflow: show, note, triage, move, status, assign."""
