-- Schema 1: the story store (one table per sled tree) and what several workers share.
-- Ids and source ids sort by their bytes (COLLATE "C"), as sled's keys do, so the published
-- order of stories is the same whichever store keeps them.

-- Stories: the same bytes as sled's `items` (store/codec.rs), and their date to the nanosecond,
-- which is what the time index orders by: newest first, ties by id.
CREATE TABLE stories (
    id text COLLATE "C" PRIMARY KEY,
    published_s bigint NOT NULL,
    published_ns bigint NOT NULL,
    value bytea NOT NULL
);
CREATE INDEX stories_by_time ON stories (published_s DESC, published_ns DESC, id);

-- ItemKey::to_bytes → story id; kept when a story is pruned.
CREATE TABLE story_keys (
    key bytea PRIMARY KEY,
    id text COLLATE "C" NOT NULL
);

-- Near-duplicate sketches, dated to the second as sled's keys are.
CREATE TABLE sketches (
    id text COLLATE "C" PRIMARY KEY,
    published_s bigint NOT NULL,
    sketch bytea NOT NULL
);
CREATE INDEX sketches_by_time ON sketches (published_s, id);

-- JSON values, as in sled's trees of the same names.
CREATE TABLE tombstones (
    id text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);
CREATE TABLE guids (
    source text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);
CREATE TABLE sources (
    source text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);

-- Hosts that workers lease, and when their sources are next due.
CREATE TABLE hosts (
    host text COLLATE "C" PRIMARY KEY,
    worker text,
    lease_until timestamptz,
    next_due timestamptz
);
CREATE INDEX hosts_by_worker ON hosts (worker);

-- One row: bumped by every writer that takes the write lock.
CREATE TABLE write_generation (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    generation bigint NOT NULL
);
INSERT INTO write_generation (generation) VALUES (0);
