"""Bootstrap: make a Firebase user the first admin (or restore an admin), by uid or e-mail.

Examples:
  python -m scripts.create_admin --email ops@example.org
  python -m scripts.create_admin --uid 3x4mpleUid
Uses MONGODB_URI / MONGODB_DATABASE and the Firebase settings (FIREBASE_PROJECT_ID with Application
Default Credentials, or FIREBASE_AUTH_EMULATOR_HOST in development). Safe to run again.
"""

import argparse
import asyncio
import sys

from backend.accounts import changes
from backend.core.errors import IdentityProviderError
from backend.core.firebase import FirebaseAuth
from backend.core.settings import Settings
from scripts.db import beanie_session


async def _run(uid: str | None, email: str | None) -> int:
    settings = Settings()
    identity = FirebaseAuth(settings)
    try:
        if uid is None:
            assert email is not None
            try:
                uid = await identity.uid_for_email(email)
            except IdentityProviderError as exc:
                print(f"error: {exc.detail}", file=sys.stderr)
                return 1
        async with beanie_session(settings):
            account = await changes.bootstrap_admin(uid=uid, email=email, identity=identity)
    finally:
        identity.close()
    print(
        f"{account.uid} is an admin (roles: {', '.join(account.roles)}; "
        f"claims synced: {account.claims_synced})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.create_admin",
        description="Grant the admin role to a Firebase user (the bootstrap; audited as system:bootstrap).",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--uid", help="the user's Firebase uid")
    who.add_argument("--email", help="the user's e-mail, looked up in Firebase Auth")
    args = parser.parse_args(argv)
    return asyncio.run(_run(args.uid, args.email))


if __name__ == "__main__":
    sys.exit(main())
