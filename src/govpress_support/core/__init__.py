"""Core: the rules, with no I/O beyond reading the config file.

Models, errors and exit codes, time, the SLA rule, group names, ticket references, card links,
config, redaction of secrets. Imports nothing from the other layers.
"""
