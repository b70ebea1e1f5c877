"""Headless subcommands, one module per role; each exposes COMMANDS for cli.register()."""
