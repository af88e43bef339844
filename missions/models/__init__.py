from .base import *  # noqa: F403
from .documents import *  # noqa: F403
from .missions import *  # noqa: F403
from .organizations import *  # noqa: F403
from .people import *  # noqa: F403
from .places import *  # noqa: F403
from .transitions import *  # noqa: F403
