-- Key lists (issue 12): the signed lists of signing keys that nodes follow, by sequence; the highest is served.
CREATE TABLE key_lists (
    sequence    BIGINT   PRIMARY KEY,
    document    ${bytes} NOT NULL,
    uploaded_at BIGINT   NOT NULL
);
