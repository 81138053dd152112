"""Protection against bursts and misuse of chat commands: limits, bounds, bounded work."""
