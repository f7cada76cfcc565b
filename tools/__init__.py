"""Development tools of the harness (not installed): regenerate its data and the README."""
