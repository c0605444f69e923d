-- With PARLEY_STREAM_PARTITIONS above 1 every partition's stream counts its own sequence, so a
-- stream sequence alone no longer names one entry: two partitions' dead letters of the same seq
-- would collide and the second would be dropped by ON CONFLICT. A dead letter is now known by
-- its stream and its sequence there. Rows recorded before this migration get the stream '':
-- there was one stream then (PARLEY_STREAM_NAME), and a replay needs only the subject.
ALTER TABLE dead_letters ADD COLUMN stream text NOT NULL DEFAULT '';
ALTER TABLE dead_letters DROP CONSTRAINT dead_letters_pkey;
ALTER TABLE dead_letters ADD PRIMARY KEY (stream, stream_seq);
-- where a replay put the entry back: the stream its subject now maps to, beside replayed_as_seq
ALTER TABLE dead_letters ADD COLUMN replayed_to_stream text;
