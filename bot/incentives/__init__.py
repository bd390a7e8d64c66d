"""The incentive tracker: where each benefit item of a participant stands.

Owns the tracker's rules (items of a scheme, eligibility, the one next step, what is pushed),
the status feed that applies an operator's change, the CSV import and the operator's JSON API.
May import: `bot.core`, `bot.storage`.
Imported by: `bot.app`, `handlers`.
"""
