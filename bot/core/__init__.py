"""Core: the values and rules every other package shares.

Owns the domain values (participant, step, incoming message, reply, outbound message and the
sender interface), the program file, the one injected clock, the settings, gettext + Babel, the
secret detector, dates, zones, phone numbers and keyed locks.
May import: the standard library and third-party libraries only (nothing else in `bot`).
Imported by: every other package.
"""
