-- Schema 2: every change to a sketch is numbered, so a writer that finds another process wrote
-- since its last turn reads only the sketches changed since, not whole days of them again.

-- One number per change, from one sequence: a sketch written or moved, or a sketch removed.
CREATE SEQUENCE sketch_change;

ALTER TABLE sketches ADD COLUMN changed bigint NOT NULL DEFAULT nextval('sketch_change');
CREATE INDEX sketches_by_change ON sketches (changed);

-- Sketches removed (a story pruned or removed, or left without a sketch); kept a day
-- (`prune` clears older rows): a writer whose last turn is older reads its window afresh.
CREATE TABLE sketch_removals (
    changed bigint PRIMARY KEY DEFAULT nextval('sketch_change'),
    id text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION sketch_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed := nextval('sketch_change');
    RETURN NEW;
END $$;
CREATE TRIGGER sketch_written BEFORE UPDATE ON sketches
    FOR EACH ROW EXECUTE FUNCTION sketch_written();

CREATE FUNCTION sketch_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sketch_removals (id) VALUES (OLD.id);
    RETURN OLD;
END $$;
CREATE TRIGGER sketch_removed AFTER DELETE ON sketches
    FOR EACH ROW EXECUTE FUNCTION sketch_removed();
