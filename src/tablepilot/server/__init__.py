"""`tablepilot serve`: the HTTP API, the web page that uses it, tokens, uploads and durable history.

Needs the ``server`` extra (``pip install 'tablepilot[server]'``); nothing here is imported by the CLI
until ``serve`` runs, so the core stays light.
"""
