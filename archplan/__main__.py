"""Entry point for `python -m archplan`."""

from archplan.cli import main

main()
