"""The weekly digest (issue 13): when it is due, what it says, and sending it."""
