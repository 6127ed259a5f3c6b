-- One row per gateway node, rewritten every few seconds by the node's readiness probe: /health/ready
-- says UP only while such a write commits (a database that answers but refuses writes is not ready).
CREATE TABLE health_probe (
    node      text        PRIMARY KEY,
    probed_at timestamptz NOT NULL
);
