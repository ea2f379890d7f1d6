"""Argon2id password hashing (pwdlib), off the event loop.

One Argon2 hash costs tens to hundreds of milliseconds of CPU and 64 MiB of memory. Run on
the event loop it stalls every other request of the process (a few parallel sign-ins made
/api/health wait for seconds), so the async functions below run it in a small thread pool
of its own: argon2-cffi releases the GIL while hashing, the loop keeps serving, and the
pool's bound caps how much CPU and memory sign-ins can take at once.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# A fixed hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("agentiq-dummy-password")
MIN_PASSWORD_LENGTH = 8
HASHING_THREADS = max(1, min(4, (os.cpu_count() or 2) // 2 or 1))
_pool = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")


def hash_password(password: str) -> str:
    """Blocking; for scripts. Request handlers use `hash_password_async`."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Blocking; for scripts. Request handlers use `verify_password_async`."""
    return _hasher.verify(password, password_hash or _DUMMY_HASH) and password_hash is not None


async def hash_password_async(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(password: str, password_hash: str | None) -> bool:
    return await asyncio.get_running_loop().run_in_executor(
        _pool, verify_password, password, password_hash
    )
