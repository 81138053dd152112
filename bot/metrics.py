"""Prometheus metrics, one registry for the process (served on /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

POLLS = Counter(
    "carrywatch_polls_total", "Provider polls", ["source", "outcome"], registry=REGISTRY
)
POLL_LATENCY = Histogram(
    "carrywatch_poll_seconds", "Time to fetch and parse one provider", ["source"], registry=REGISTRY
)
QUALITY_EVENTS = Counter(
    "carrywatch_quality_events_total",
    "Data refused by the quality gate",
    ["source", "kind"],
    registry=REGISTRY,
)
OBSERVATIONS = Counter(
    "carrywatch_observations_total", "Observations stored", ["series", "outcome"], registry=REGISTRY
)
SCORE = Gauge("carrywatch_score", "Latest composite stress score (0-100)", registry=REGISTRY)
COMPONENT = Gauge(
    "carrywatch_component_score", "Latest component score", ["component"], registry=REGISTRY
)
ALERTS = Counter(
    "carrywatch_alerts_total",
    "Alert events written to the outbox",
    ["kind", "level"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "carrywatch_deliveries_total",
    "Delivery attempts by result",
    ["platform", "result"],
    registry=REGISTRY,
)
DELIVERY_LATENCY = Histogram(
    "carrywatch_delivery_latency_seconds",
    "From alert creation to recorded delivery",
    ["platform"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
    registry=REGISTRY,
)
EVALUATION_LATENCY = Histogram(
    "carrywatch_evaluation_seconds", "Observations in to evaluation stored", registry=REGISTRY
)
STALE_FEEDS = Gauge(
    "carrywatch_feed_stale", "1 when a feed is stale", ["series"], registry=REGISTRY
)
LEADER = Gauge(
    "carrywatch_leader", "1 while this replica runs the pollers and alert policy", registry=REGISTRY
)
CHART_FALLBACKS = Counter(
    "carrywatch_chart_fallbacks_total",
    "Messages sent as text only because their chart could not be drawn",
    registry=REGISTRY,
)
