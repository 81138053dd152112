"""The real history files: fetching them (``download``) and reading them (``loader``).

``load_history_panel`` turns a history directory (layout of the shared data
folder: ``mof/``, ``fx/``, ``btc/``, ``ust/``) into the panel the engine
scores; ``manifest`` says which file feeds which series and why.

Nothing is imported here: ``manifest`` is read by ``carrywatch rules test``'s
cache check, which must not pay for the loader's pandas import.
"""
