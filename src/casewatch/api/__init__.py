"""The HTTP API (FastAPI): cases, watches, alerts, records, audit, oversight and a yente-compatible /match.

    from casewatch.api import create_app
    app = create_app()            # settings from CASEWATCH_*; `casewatch serve` runs it

Routers are thin: they parse the request, call the service functions of
:mod:`casewatch.cases`, :mod:`casewatch.alerts`, :mod:`casewatch.audit` ... and
shape the response. :mod:`casewatch.api.deps` holds what every request
shares: the token check, one database transaction, and the audit event every
request leaves behind. See ``docs/api.md``.
"""

from casewatch.api.app import create_app

__all__ = ["create_app"]
