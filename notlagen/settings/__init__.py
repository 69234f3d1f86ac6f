"""Notlagen settings, composed from one module per concern; every value that varies comes
from the environment (see README, "Configuration")."""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .jobs import *  # noqa: F403
from .records import *  # noqa: F403
from .security import *  # noqa: F403
from .storage import *  # noqa: F403
