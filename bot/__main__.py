"""`python -m bot` is the same as the `prakerja-bot` console script."""

from bot.cli import main

main()
