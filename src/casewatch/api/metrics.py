"""/metrics in the Prometheus text format.

- ``casewatch_alerts`` (gauge, by status): alerts raised so far, from the database;
- ``casewatch_screen_queue_depth`` (gauge): records waiting to be screened;
- ``casewatch_audit_chain_length`` (gauge): events in the audit log (head seq);
- ``casewatch_match_screening_seconds`` (histogram): time to screen one /match query;

The database figures are read at scrape time, so every server worker gives
the same answer. The histogram lives in each worker; under
``casewatch serve --workers N`` they are aggregated across workers through
``PROMETHEUS_MULTIPROC_DIR`` (set by the serve command).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from casewatch.db.models import Alert, AuditEvent, ScreenQueue

LATENCY_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class DatabaseCollector(Collector):
    """Alerts by status, queue depth and audit chain length, read from the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with Session(self.engine) as session:
            alerts = session.execute(select(Alert.status, func.count()).group_by(Alert.status))
            by_status = {status: count for status, count in alerts}
            depth = session.scalar(select(func.count()).select_from(ScreenQueue)) or 0
            head = session.scalar(select(func.max(AuditEvent.seq))) or 0
        family = GaugeMetricFamily("casewatch_alerts", "Alerts raised, by current status",
                                   labels=["status"])
        for status, count in sorted(by_status.items()):
            family.add_metric([status], count)
        yield family
        yield GaugeMetricFamily("casewatch_screen_queue_depth",
                                "Records waiting to be screened", value=depth)
        yield GaugeMetricFamily("casewatch_audit_chain_length",
                                "Events in the audit log", value=head)


class Metrics:
    """One app's metrics: its own registry (no global state), plus the database collector."""

    def __init__(self, engine: Engine) -> None:
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry()
        self.screening = Histogram(
            "casewatch_match_screening_seconds", "Time to screen one /match query",
            buckets=LATENCY_BUCKETS, registry=self.registry)
        self.database = DatabaseCollector(engine)

    def render(self) -> bytes:
        """The text exposition of every metric (aggregated over workers when multiprocess)."""
        if self.multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
        else:
            registry = self.registry
        text = generate_latest(registry)
        scrape = CollectorRegistry()
        scrape.register(self.database)
        return text + generate_latest(scrape)
