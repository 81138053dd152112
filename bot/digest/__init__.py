"""The weekly digest (issue 13): when it is due, what it says, and sending it."""

DIGEST_RULE = "weekly-digest"
"""The outbox rule name of a digest (a ``broadcast`` to one owner); renderers title it."""
