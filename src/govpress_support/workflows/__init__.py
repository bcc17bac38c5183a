"""Workflows: one module or sub-package per job.

Each takes the clients it uses, decides, and returns result objects. Never prints: progress goes
through callbacks, and the CLI renders the results.
"""
