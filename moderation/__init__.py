"""moderation: compliance scoring for China's 2021 double-reduction (双减) rules."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Moderator", "__version__"]


def __getattr__(name: str):
    if name == "Moderator":  # lazy: importing the package stays cheap
        from .pipeline import Moderator

        return Moderator
    raise AttributeError(name)
