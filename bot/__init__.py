"""Manufacturing Business Model Advisor: answers and canvases grounded in the WMR 2023."""

from bot.advisor import Advisor
from bot.settings import Settings

__all__ = ["Advisor", "Settings"]
