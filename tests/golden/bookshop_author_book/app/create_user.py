"""Create an account from the command line, e.g. the first admin:

    python -m app.create_user admin@example.com --role admin

The password comes from the USER_PASSWORD environment variable, or is asked for. The email
and password pass the same rules as everywhere else (see app.core.emails, app.core.passwords).
"""

import argparse
import asyncio
import getpass
import os
import sys

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from app.core.db import SessionLocal
from app.core.db import engine
from app.core.passwords import hash_password
from app.core.roles import ROLES
from app.models.user import User
from app.models.user import UserCreate


async def create_user(payload: UserCreate) -> User:
    user = User(
        email=payload.email,
        roles=list(payload.roles),
        is_active=payload.is_active,
        password_hash=hash_password(payload.password),
    )
    try:
        async with SessionLocal() as session:
            session.add(user)
            await session.commit()
            await session.refresh(user)
    finally:
        await engine.dispose()
    return user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.create_user", description=__doc__)
    parser.add_argument("email")
    parser.add_argument("--role", action="append", default=[], choices=ROLES, dest="roles")
    args = parser.parse_args(argv)
    password = os.environ.get("USER_PASSWORD") or getpass.getpass("Password: ")
    try:
        payload = UserCreate.model_validate(
            {"email": args.email, "password": password, "roles": args.roles}
        )
    except ValidationError as exc:
        for error in exc.errors():
            print(f"error: {'.'.join(map(str, error['loc']))}: {error['msg']}", file=sys.stderr)
        return 2
    try:
        user = asyncio.run(create_user(payload))
    except IntegrityError:
        print(f"error: an account with the email {args.email} already exists", file=sys.stderr)
        return 1
    print(f"created user {user.id} ({user.email}, roles: {', '.join(user.roles) or 'none'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
