"""PostgreSQL connection settings shared by ``base`` and ``production`` (issue 13, finding 12).

- Guard-rails per connection (STYLE.md 15): ``statement_timeout`` and ``lock_timeout``.
- **A bounded pool** (``DB_POOL=true``): psycopg's pool in each process, ``DB_POOL_MIN_SIZE`` to
  ``DB_POOL_MAX_SIZE`` connections, a request waits at most ``DB_POOL_TIMEOUT`` seconds for one
  (then fails cleanly instead of opening connection after connection until PostgreSQL answers
  "too many clients"). Size it so that processes × ``DB_POOL_MAX_SIZE`` stays under PostgreSQL's
  ``max_connections`` (README "Connection pool").
- Without the pool, persistent connections (``DB_CONN_MAX_AGE``) with health checks; behind
  PgBouncer in transaction mode (docker-compose.yml), ``DB_DISABLE_SERVER_SIDE_CURSORS=true``.
"""

from __future__ import annotations

from sas_platform.settings.environment import read


def configure_postgres(db: dict, *, statement_timeout_ms: int, lock_timeout_ms: int) -> dict:
    options = db.setdefault("OPTIONS", {})
    options["options"] = f"-c statement_timeout={statement_timeout_ms} -c lock_timeout={lock_timeout_ms}"
    if read("DB_POOL", "bool", default=False):
        options["pool"] = {
            "min_size": read("DB_POOL_MIN_SIZE", "int", default=2, minimum=0),
            "max_size": read("DB_POOL_MAX_SIZE", "int", default=10, minimum=1),
            "timeout": read("DB_POOL_TIMEOUT", "int", default=10, minimum=1),
        }
        db["CONN_MAX_AGE"] = 0  # the pool keeps the connections (Django requires 0)
    else:
        db["CONN_MAX_AGE"] = read("DB_CONN_MAX_AGE", "int", default=60)
        db["CONN_HEALTH_CHECKS"] = True
    db["DISABLE_SERVER_SIDE_CURSORS"] = read("DB_DISABLE_SERVER_SIDE_CURSORS", "bool", default=False)
    return db
