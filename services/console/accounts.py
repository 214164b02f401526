"""Officer accounts in Redis (`console:account:<username>`), passwords hashed with argon2id,
and the login lockout (5 failures → locked for 15 minutes).

    python -m services.console.accounts create --username U --desk <id in knowledge/desks.yml> \
        --role officer|supervisor          (password prompted; or one line on stdin for scripts)
    python -m services.console.accounts set-password --username U
    python -m services.console.accounts list
    python -m services.console.accounts delete --username U
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from market_entry import redis_keys as keys
from services.console.knowledge import desk_ids
from services.console.workflow import ROLES, Officer

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


class AccountError(ValueError):
    pass


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


class Accounts:
    def __init__(self, client: redis.Redis, max_failures: int = 5, lockout_seconds: int = 900):
        self.client = client
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds

    def create(self, username: str, password: str, desk: str, role: str) -> Officer:
        if not USERNAME.match(username or ""):
            raise AccountError("username: 2–32 lower-case letters, digits, '.', '_' or '-'")
        if desk not in desk_ids():
            raise AccountError(f"desk must be one of {', '.join(desk_ids())} (knowledge/desks.yml)")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        _check_password(password)
        record = {"password": _hasher.hash(password), "desk": desk, "role": role,
                  "created": str(int(time.time()))}
        if not self.client.sadd(keys.CONSOLE_ACCOUNTS, username):
            raise AccountError(f"account {username!r} exists")
        self.client.hset(keys.console_account(username), mapping=record)
        return Officer(username, desk, role)

    def set_password(self, username: str, password: str) -> None:
        if not self.client.exists(keys.console_account(username)):
            raise AccountError(f"no account {username!r}")
        _check_password(password)
        self.client.hset(keys.console_account(username), "password", _hasher.hash(password))
        self.client.delete(keys.console_failures(username))

    def delete(self, username: str) -> bool:
        self.client.srem(keys.CONSOLE_ACCOUNTS, username)
        return bool(self.client.delete(keys.console_account(username)))

    def get(self, username: str) -> Officer | None:
        record = self.client.hgetall(keys.console_account(username))
        if not record:
            return None
        data = {_text(k): _text(v) for k, v in record.items()}
        return Officer(username, data["desk"], data["role"])

    def all(self) -> list[Officer]:
        names = sorted(_text(n) for n in self.client.smembers(keys.CONSOLE_ACCOUNTS))
        return [o for o in (self.get(n) for n in names) if o is not None]

    def locked_for(self, username: str) -> int:
        """Seconds until a locked account may try again; 0 when not locked."""
        count = int(_text(self.client.get(keys.console_failures(username))) or 0)
        if count < self.max_failures:
            return 0
        return max(1, int(self.client.ttl(keys.console_failures(username))))

    def authenticate(self, username: str, password: str) -> tuple[Officer | None, int]:
        """(the officer, 0) on success; (None, seconds locked) otherwise — seconds is 0 for a plain
        wrong password. Failures count per username (existing or not), so guessing names reveals
        nothing; the 5th failure locks the name for the lockout period, even for the right
        password."""
        username = (username or "").strip().lower()[:64]
        locked = self.locked_for(username)
        if locked:
            return None, locked
        stored = _text(self.client.hget(keys.console_account(username), "password"))
        try:
            _hasher.verify(stored or _DUMMY_HASH, password or "")
            ok = bool(stored)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if ok:
            self.client.delete(keys.console_failures(username))
            if _hasher.check_needs_rehash(stored):
                self.client.hset(keys.console_account(username), "password", _hasher.hash(password))
            return self.get(username), 0
        pipe = self.client.pipeline()
        pipe.incr(keys.console_failures(username))
        pipe.expire(keys.console_failures(username), self.lockout_seconds)
        count, _ = pipe.execute()
        return None, (self.lockout_seconds if count >= self.max_failures else 0)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")


def _read_password(confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat the password: ") != first:
        raise AccountError("the passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.console.accounts",
                                     description="Trade officers' console accounts (REDIS_URL).")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account (password prompted or stdin)")
    create.add_argument("--username", required=True)
    create.add_argument("--desk", required=True, choices=desk_ids())
    create.add_argument("--role", default="officer", choices=ROLES)
    password = commands.add_parser("set-password", help="set a new password, clear a lockout")
    password.add_argument("--username", required=True)
    commands.add_parser("list", help="list the accounts")
    delete = commands.add_parser("delete", help="delete an account")
    delete.add_argument("--username", required=True)
    args = parser.parse_args(argv)

    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    accounts = Accounts(client)
    try:
        if args.command == "create":
            officer = accounts.create(args.username.strip().lower(), _read_password(),
                                      args.desk, args.role)
            print(f"created {officer.username} ({officer.role}, desk {officer.desk})")
        elif args.command == "set-password":
            accounts.set_password(args.username.strip().lower(), _read_password())
            print(f"password of {args.username} changed")
        elif args.command == "list":
            for officer in accounts.all():
                print(f"{officer.username}\t{officer.desk}\t{officer.role}")
        elif args.command == "delete":
            print("deleted" if accounts.delete(args.username.strip().lower()) else "no such account")
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except redis.exceptions.ConnectionError:
        print("error: Redis is unreachable (REDIS_URL)", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
