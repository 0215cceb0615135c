"""One module per command; each imports the shared options and I/O, never the app or another
command. archplan.cli registers them."""
