-- The inventory: what the user owns and wants reachable over IPv6.
-- Lists (tags, routed prefixes, published ports, dependencies) are stored one item per line.

CREATE TABLE hosts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    dns_name    TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE containers (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    runtime         TEXT NOT NULL,
    host_id         INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    network_mode    TEXT NOT NULL,
    published_ports TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (host_id, name)
);

-- An address belongs to exactly one host or one container; kind and mac are derived on save.
CREATE TABLE addresses (
    id           INTEGER PRIMARY KEY,
    host_id      INTEGER REFERENCES hosts(id) ON DELETE CASCADE,
    container_id INTEGER REFERENCES containers(id) ON DELETE CASCADE,
    address      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    mac          TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((host_id IS NULL) <> (container_id IS NULL))
);
CREATE INDEX addresses_host ON addresses(host_id);
CREATE INDEX addresses_container ON addresses(container_id);

-- The address plan; a prefix's parent is derived from containment when read.
CREATE TABLE prefixes (
    id          INTEGER PRIMARY KEY,
    cidr        TEXT NOT NULL UNIQUE,
    purpose     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE tunnels (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    broker          TEXT NOT NULL DEFAULT '',
    local_endpoint  TEXT,
    remote_endpoint TEXT,
    local_v6        TEXT,
    remote_v6       TEXT,
    mtu             INTEGER,
    routed_prefixes TEXT NOT NULL DEFAULT '',
    host_id         INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE services (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    port            INTEGER,
    expected_status INTEGER,
    dependencies    TEXT NOT NULL DEFAULT '',
    host_id         INTEGER REFERENCES hosts(id) ON DELETE CASCADE,
    container_id    INTEGER REFERENCES containers(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((host_id IS NULL) <> (container_id IS NULL))
);

-- What changed, newest first on the overview.
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT NOT NULL,
    summary     TEXT NOT NULL
);
