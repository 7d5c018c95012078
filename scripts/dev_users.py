"""Development: create Firebase Auth emulator users with roles and scopes, and print their ID tokens.

With scripts/run.sh running, in another terminal:
  .venv/bin/python -m scripts.dev_users --demo
  .venv/bin/python -m scripts.dev_users --email fo@example.org --role field_officer --district lahore
Paste a token into /docs ("Authorize") or send it as `Authorization: Bearer <token>`. Tokens last an hour.
"""

import argparse
import asyncio
import hashlib
import os
import sys
from dataclasses import dataclass

from backend.accounts import changes, service
from backend.core.firebase import FirebaseAuth
from backend.core.settings import Settings
from schemas.accounts import Role, RoleGrant
from scripts.db import beanie_session
from scripts.firebase_emulator import EMULATOR_PASSWORD, EmulatorUsers

DEV_MONGODB_URI = "mongodb://127.0.0.1:27018/"
DEV_EMULATOR_HOST = "127.0.0.1:9099"


@dataclass(frozen=True)
class DevUser:
    email: str
    roles: tuple[Role, ...]
    districts: tuple[str, ...] = ()
    constituency: str | None = None


DEMO_USERS = [
    DevUser("admin@hamqadam.dev", (Role.ADMIN,)),
    DevUser("editor@hamqadam.dev", (Role.EDITOR,)),
    DevUser("officer.lahore@hamqadam.dev", (Role.FIELD_OFFICER,), ("lahore",)),
    DevUser("supervisor.punjab@hamqadam.dev", (Role.SUPERVISOR,), ("lahore", "kasur", "okara")),
    DevUser("mp.na120@hamqadam.dev", (Role.MP,), constituency="NA-120"),
    DevUser("youth@hamqadam.dev", (Role.YOUTH,)),
]


def uid_for(email: str) -> str:
    """The fixed uid of a development user: the same after the emulator restarts (it keeps no users), so
    the account and roles stored for it in the database stay theirs."""
    return "dev" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:25]


async def create_users(users: list[DevUser], settings: Settings, emulator: EmulatorUsers) -> None:
    """Create (or find again) each user with their roles and print who they are and an ID token."""
    identity = FirebaseAuth(settings)
    try:
        async with beanie_session(settings):
            for user in users:
                uid, _ = await asyncio.to_thread(emulator.sign_up_as, uid_for(user.email), user.email)
                await service.account_for_token(uid=uid, email=user.email)
                for role in user.roles:
                    grant = RoleGrant(
                        districts=list(user.districts)
                        if role in (Role.FIELD_OFFICER, Role.SUPERVISOR)
                        else None,
                        constituency=user.constituency if role == Role.MP else None,
                    )
                    await changes.grant_role(
                        actor="system:dev_users", uid=uid, role=role, grant=grant, identity=identity
                    )
                # Sign in after the grants so the token carries the new custom claims.
                _, token = await asyncio.to_thread(emulator.sign_in, user.email)
                scope = ", ".join([*user.districts, *([user.constituency] if user.constituency else [])])
                print(
                    f"# {user.email}  password: {EMULATOR_PASSWORD}  roles: {', '.join(user.roles) or '-'}  "
                    f"scope: {scope or '-'}  uid: {uid}"
                )
                print(token, flush=True)
    finally:
        identity.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.dev_users",
        description=(
            "Create Auth emulator users with roles and scopes in the development database and print an ID "
            f"token for each. Defaults: MONGODB_URI={DEV_MONGODB_URI}, "
            f"FIREBASE_AUTH_EMULATOR_HOST={DEV_EMULATOR_HOST} (what scripts/run.sh starts)."
        ),
    )
    parser.add_argument("--demo", action="store_true", help="one user of every role, with sample scopes")
    parser.add_argument("--email", help="e-mail of the user to create (password: password-123)")
    parser.add_argument(
        "--role", action="append", default=[], choices=[r.value for r in Role], help="repeatable"
    )
    parser.add_argument(
        "--district", action="append", default=[], help="district code, name or alias; repeatable"
    )
    parser.add_argument("--constituency", help="constituency code for an mp, e.g. NA-120")
    args = parser.parse_args(argv)
    if not args.demo and not args.email:
        parser.error("give --demo or --email")
    os.environ.setdefault("MONGODB_URI", DEV_MONGODB_URI)
    os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", DEV_EMULATOR_HOST)
    settings = Settings()
    if not settings.firebase_auth_emulator_host or not settings.firebase_project_id.startswith("demo-"):
        print(
            "error: this creates emulator users only (FIREBASE_AUTH_EMULATOR_HOST, a demo- project)",
            file=sys.stderr,
        )
        return 2
    emulator = EmulatorUsers(
        host=settings.firebase_auth_emulator_host, project_id=settings.firebase_project_id
    )
    users = (
        DEMO_USERS
        if args.demo
        else [DevUser(args.email, tuple(Role(r) for r in args.role), tuple(args.district), args.constituency)]
    )
    asyncio.run(create_users(users, settings, emulator))
    return 0


if __name__ == "__main__":
    sys.exit(main())
