"""`python -m bot` is the same as the `prakerja-bot` console script."""

from bot.app.cli import main

main()
