-- Delta updates (issue 12): the blob that rebuilds file `target` from file `base`, all three by SHA-256. Made when a
-- version is published, against the same file of the model's versions before it.
CREATE TABLE deltas (
    base   TEXT   NOT NULL,
    target TEXT   NOT NULL,
    delta  TEXT   NOT NULL,
    size   BIGINT NOT NULL,
    PRIMARY KEY (base, target)
);
