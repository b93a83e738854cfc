"""``python -m deckgen``: the same as the ``deckgen`` command."""

from .cli import main

main()
