-- A user's stored bytes are summed on every upload (the quota), from this index alone.
CREATE INDEX files_by_uploader ON files (uploader_id) INCLUDE (size);
-- The sweep looks at files older than its age first.
CREATE INDEX files_by_age ON files (created_at);
