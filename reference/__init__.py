"""The torch reference, the comparison machinery, and the harness commands."""
