PREPARE words(text, text, int, text, text, text) AS
WITH mine AS MATERIALIZED ( SELECT mb.conversation_id FROM members mb CROSS JOIN LATERAL (SELECT 1 FROM conversations c WHERE c.id = mb.conversation_id AND c.deleted_at IS NULL LIMIT 1) live WHERE mb.user_id = $2),unstored AS MATERIALIZED (
  SELECT x.* FROM json_to_recordset($6::text::json) AS x(
    id text, conversation_id text, seq bigint, sender_id text, type text, content text, reply_to_id text,
    client_msg_id text, system jsonb, created_at timestamptz, attachments json)
  LEFT JOIN LATERAL (
    SELECT true AS stored FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq = x.seq LIMIT 1
  ) s ON true
  WHERE s.stored IS NULL)
, unstored_searchable AS (  SELECT x.id, x.seq, x.type, x.content, NULL::timestamptz AS deleted_at,   to_tsvector('simple'::regconfig, coalesce(x.content, '')) AS search_vector  FROM unstored x WHERE EXISTS (SELECT 1 FROM members mb   JOIN conversations c ON c.id = mb.conversation_id AND c.deleted_at IS NULL   WHERE mb.conversation_id = x.conversation_id AND mb.user_id = $2)), exact AS (SELECT e.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) e ORDER BY e.score DESC, e.seq DESC LIMIT $3), fuzzy AS (SELECT f.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND (m.content %> $4::text) AND (m.content %> $5::text)   AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND (m.content %> $4::text) AND (m.content %> $5::text) AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) f WHERE (SELECT count(*) FROM exact) < $3 ORDER BY f.score DESC, f.seq DESC LIMIT $3), hits AS (SELECT * FROM exact UNION ALL SELECT * FROM fuzzy) SELECT m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                          ORDER BY a.position)
          FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
          FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
, hits.tier, hits.score FROM hits JOIN messages m ON m.id = hits.id UNION ALL SELECT x.id, x.conversation_id, x.seq,
greatest((SELECT max(s.seq) FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq < x.seq),
         (SELECT max(y.seq) FROM unstored y WHERE y.conversation_id = x.conversation_id AND y.seq < x.seq)) AS prev_seq,
x.sender_id, x.type, x.content, x.reply_to_id, x.client_msg_id, x.system, x.created_at,
NULL::timestamptz AS edited_at, false AS deleted, coalesce(x.attachments, '[]'::json) AS attachments,
'[]'::json AS reactions
, hits.tier, hits.score FROM hits JOIN unstored x ON x.id = hits.id ORDER BY tier, score DESC, seq DESC LIMIT $3;
PREPARE word(text, text, int, text, text) AS
WITH mine AS MATERIALIZED ( SELECT mb.conversation_id FROM members mb CROSS JOIN LATERAL (SELECT 1 FROM conversations c WHERE c.id = mb.conversation_id AND c.deleted_at IS NULL LIMIT 1) live WHERE mb.user_id = $2),unstored AS MATERIALIZED (
  SELECT x.* FROM json_to_recordset($5::text::json) AS x(
    id text, conversation_id text, seq bigint, sender_id text, type text, content text, reply_to_id text,
    client_msg_id text, system jsonb, created_at timestamptz, attachments json)
  LEFT JOIN LATERAL (
    SELECT true AS stored FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq = x.seq LIMIT 1
  ) s ON true
  WHERE s.stored IS NULL)
, unstored_searchable AS (  SELECT x.id, x.seq, x.type, x.content, NULL::timestamptz AS deleted_at,   to_tsvector('simple'::regconfig, coalesce(x.content, '')) AS search_vector  FROM unstored x WHERE EXISTS (SELECT 1 FROM members mb   JOIN conversations c ON c.id = mb.conversation_id AND c.deleted_at IS NULL   WHERE mb.conversation_id = x.conversation_id AND mb.user_id = $2)), exact AS (SELECT e.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) e ORDER BY e.score DESC, e.seq DESC LIMIT $3), fuzzy AS (SELECT f.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND (m.content %> $4::text)   AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND (m.content %> $4::text) AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) f WHERE (SELECT count(*) FROM exact) < $3 ORDER BY f.score DESC, f.seq DESC LIMIT $3), hits AS (SELECT * FROM exact UNION ALL SELECT * FROM fuzzy) SELECT m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                          ORDER BY a.position)
          FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
          FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
, hits.tier, hits.score FROM hits JOIN messages m ON m.id = hits.id UNION ALL SELECT x.id, x.conversation_id, x.seq,
greatest((SELECT max(s.seq) FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq < x.seq),
         (SELECT max(y.seq) FROM unstored y WHERE y.conversation_id = x.conversation_id AND y.seq < x.seq)) AS prev_seq,
x.sender_id, x.type, x.content, x.reply_to_id, x.client_msg_id, x.system, x.created_at,
NULL::timestamptz AS edited_at, false AS deleted, coalesce(x.attachments, '[]'::json) AS attachments,
'[]'::json AS reactions
, hits.tier, hits.score FROM hits JOIN unstored x ON x.id = hits.id ORDER BY tier, score DESC, seq DESC LIMIT $3;
PREPARE typo(text, text, int, text, text) AS
WITH mine AS MATERIALIZED ( SELECT mb.conversation_id FROM members mb CROSS JOIN LATERAL (SELECT 1 FROM conversations c WHERE c.id = mb.conversation_id AND c.deleted_at IS NULL LIMIT 1) live WHERE mb.user_id = $2),unstored AS MATERIALIZED (
  SELECT x.* FROM json_to_recordset($5::text::json) AS x(
    id text, conversation_id text, seq bigint, sender_id text, type text, content text, reply_to_id text,
    client_msg_id text, system jsonb, created_at timestamptz, attachments json)
  LEFT JOIN LATERAL (
    SELECT true AS stored FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq = x.seq LIMIT 1
  ) s ON true
  WHERE s.stored IS NULL)
, unstored_searchable AS (  SELECT x.id, x.seq, x.type, x.content, NULL::timestamptz AS deleted_at,   to_tsvector('simple'::regconfig, coalesce(x.content, '')) AS search_vector  FROM unstored x WHERE EXISTS (SELECT 1 FROM members mb   JOIN conversations c ON c.id = mb.conversation_id AND c.deleted_at IS NULL   WHERE mb.conversation_id = x.conversation_id AND mb.user_id = $2)), exact AS (SELECT e.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) e ORDER BY e.score DESC, e.seq DESC LIMIT $3), fuzzy AS (SELECT f.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND (m.content %> $4::text)   AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND (m.content %> $4::text) AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) f WHERE (SELECT count(*) FROM exact) < $3 ORDER BY f.score DESC, f.seq DESC LIMIT $3), hits AS (SELECT * FROM exact UNION ALL SELECT * FROM fuzzy) SELECT m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                          ORDER BY a.position)
          FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
          FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
, hits.tier, hits.score FROM hits JOIN messages m ON m.id = hits.id UNION ALL SELECT x.id, x.conversation_id, x.seq,
greatest((SELECT max(s.seq) FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq < x.seq),
         (SELECT max(y.seq) FROM unstored y WHERE y.conversation_id = x.conversation_id AND y.seq < x.seq)) AS prev_seq,
x.sender_id, x.type, x.content, x.reply_to_id, x.client_msg_id, x.system, x.created_at,
NULL::timestamptz AS edited_at, false AS deleted, coalesce(x.attachments, '[]'::json) AS attachments,
'[]'::json AS reactions
, hits.tier, hits.score FROM hits JOIN unstored x ON x.id = hits.id ORDER BY tier, score DESC, seq DESC LIMIT $3;
PREPARE scoped(text, text, int, text, text, text) AS
WITH mine AS MATERIALIZED ( SELECT mb.conversation_id FROM members mb CROSS JOIN LATERAL (SELECT 1 FROM conversations c WHERE c.id = mb.conversation_id AND c.deleted_at IS NULL LIMIT 1) live WHERE mb.user_id = $2 AND mb.conversation_id = $5),unstored AS MATERIALIZED (
  SELECT x.* FROM json_to_recordset($6::text::json) AS x(
    id text, conversation_id text, seq bigint, sender_id text, type text, content text, reply_to_id text,
    client_msg_id text, system jsonb, created_at timestamptz, attachments json)
  LEFT JOIN LATERAL (
    SELECT true AS stored FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq = x.seq LIMIT 1
  ) s ON true
  WHERE s.stored IS NULL)
, unstored_searchable AS (  SELECT x.id, x.seq, x.type, x.content, NULL::timestamptz AS deleted_at,   to_tsvector('simple'::regconfig, coalesce(x.content, '')) AS search_vector  FROM unstored x WHERE EXISTS (SELECT 1 FROM members mb   JOIN conversations c ON c.id = mb.conversation_id AND c.deleted_at IS NULL   WHERE mb.conversation_id = x.conversation_id AND mb.user_id = $2 AND mb.conversation_id = $5)), exact AS (SELECT e.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, websearch_to_tsquery('simple'::regconfig, $1::text)) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) e ORDER BY e.score DESC, e.seq DESC LIMIT $3), fuzzy AS (SELECT f.* FROM ( SELECT h.* FROM mine CROSS JOIN LATERAL (  SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM messages m  WHERE m.conversation_id = mine.conversation_id AND m.deleted_at IS NULL AND m.type <> 'system'   AND (m.content %> $4::text)   AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text)  ORDER BY score DESC, m.seq DESC LIMIT $3) h UNION ALL SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM unstored_searchable m  WHERE m.deleted_at IS NULL AND m.type <> 'system' AND (m.content %> $4::text) AND NOT m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $1::text) ) f WHERE (SELECT count(*) FROM exact) < $3 ORDER BY f.score DESC, f.seq DESC LIMIT $3), hits AS (SELECT * FROM exact UNION ALL SELECT * FROM fuzzy) SELECT m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                          ORDER BY a.position)
          FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
          FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
, hits.tier, hits.score FROM hits JOIN messages m ON m.id = hits.id UNION ALL SELECT x.id, x.conversation_id, x.seq,
greatest((SELECT max(s.seq) FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq < x.seq),
         (SELECT max(y.seq) FROM unstored y WHERE y.conversation_id = x.conversation_id AND y.seq < x.seq)) AS prev_seq,
x.sender_id, x.type, x.content, x.reply_to_id, x.client_msg_id, x.system, x.created_at,
NULL::timestamptz AS edited_at, false AS deleted, coalesce(x.attachments, '[]'::json) AS attachments,
'[]'::json AS reactions
, hits.tier, hits.score FROM hits JOIN unstored x ON x.id = hits.id ORDER BY tier, score DESC, seq DESC LIMIT $3;
