"""The Typer layer: parses, calls one workflow, renders. No HTTP, no business rules."""
