"""Services: the outside world.

The one HTTP layer, the Zendesk, Trello and rota clients, credentials, the cache, and the wiring
that builds clients (real or the sandbox). Imports only core (and the sandbox, to wire it in).
"""
