-- agentlog schema, version 8: rotation of the crypto-shredding keys (docs/privacy.md, "Rotation"). kek_id records which
-- key-encryption key wrapped each data keyset (its Tink key id, eight hex digits, or a KMS key's name: never a secret),
-- so that `agentlog kek rotate` can re-wrap in batches and resume after a failure, and a process given either file
-- during the switch-over knows which rows its file opens and names the file it needs for the others. NULL for keys
-- stored before this version: wrapped by the KEK of that time, tried as such. data_key_rotated_at is when
-- `agentlog kek rotate-data-keys` last added a new primary key to the keyset (NULL: never).
ALTER TABLE subject_keys ADD COLUMN kek_id text;
ALTER TABLE subject_keys ADD COLUMN data_key_rotated_at timestamptz;
