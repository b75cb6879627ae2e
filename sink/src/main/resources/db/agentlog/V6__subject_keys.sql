-- agentlog schema, version 6: the data keys of crypto-shredding (docs/privacy.md). One row per subject (an agent, a
-- block or an archive id): its Tink keyset (AES-256-GCM), encrypted with the operator's key-encryption key
-- (--kek-file), the subject's id bound in as associated data. Erasure sets keyset to NULL and keeps the row as a
-- tombstone, so that no new key is ever made for an erased subject and every reader knows it as erased rather than
-- as unknown. The key store is the privacy module's (dev.agentlog.privacy.SubjectKeys); the table lives here, with
-- the schema's other tables, so that one migration history makes a schema.
CREATE TABLE subject_keys (
    subject      text PRIMARY KEY,
    keyset       bytea,
    created_at   timestamptz NOT NULL,
    erased_at    timestamptz,
    erased_by    text,
    CHECK ((keyset IS NULL) = (erased_at IS NOT NULL))
);
