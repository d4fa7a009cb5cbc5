"""`python -m juhe` is the `juhe` command."""

from juhe.cli import main

main()
