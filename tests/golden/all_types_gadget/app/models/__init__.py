"""Model registry: every table module is imported here so SQLModel.metadata (and Alembic) see it."""

from app.models import gadget as gadget
from app.models import user as user
