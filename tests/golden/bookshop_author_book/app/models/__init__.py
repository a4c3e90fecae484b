"""Model registry: every table module is imported here so SQLModel.metadata (and Alembic) see it."""

from app.models import author as author
from app.models import book as book
from app.models import password_reset_token as password_reset_token
from app.models import refresh_token as refresh_token
from app.models import user as user
