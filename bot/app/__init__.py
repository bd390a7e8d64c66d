"""The app: the entry point and the wiring.

Owns the CLI, the runner that starts and stops the channels, the wiring that builds the parts
from settings (store, program, engine with its router, planner, delivery) and the one web
server. Only wires things together: no conversation, no SQL.
May import: everything.
Imported by: nothing (`bot/__main__.py` and the `prakerja-bot` script call `bot.app.cli`).
"""
