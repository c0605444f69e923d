-- ~1M messages shaped like a chat service, for planning the search query (see docs/search.md).
-- 10,000 users; 4,000 groups of 3-40 members and 30,000 direct conversations (about 20
-- conversations per user); messages skewed towards busy conversations; words drawn from a
-- vocabulary with a Zipf-like skew (a few very common words, a long tail of rare ones).
\set ON_ERROR_STOP on
SELECT setseed(0.42);

CREATE TEMP TABLE vocab AS
WITH common AS (
  SELECT string_to_array(
    'the to and a of in is it you that for on this we i be with have are not at can will just so do '
    'was but if about what my me all get up out they there he she what now ok yes no thanks please '
    'meeting deploy friday release build test review merge branch server client database query index '
    'search message file upload download team project issue ticket bug fix feature design plan week '
    'today tomorrow morning lunch call sync update status report customer order invoice payment price '
    'hello hi hey good great sure maybe think know need want look see send check done ready', ' ') AS w
),
syllables AS (
  SELECT ARRAY['ka','lo','mi','ren','tas','vel','dor','pin','sa','te','ru','gan','bis','mor','qui',
               'zen','fa','lu','nor','pe','tri','xo','wen','ha','jo','cy','dra','sto','bel','fin'] AS s
)
SELECT row_number() OVER () AS i, w FROM (
  SELECT unnest(w) AS w FROM common
  UNION ALL
  -- 20,000 invented words of 2-4 syllables: the long tail (names, jargon, typos of real chats)
  SELECT DISTINCT s[1 + (g * 7) % 30] || s[1 + (g * 13 / 30) % 30]
         || CASE WHEN g % 3 > 0 THEN s[1 + (g * 17 / 900) % 30] ELSE '' END
         || CASE WHEN g % 5 = 0 THEN s[1 + (g / 27000) % 30] ELSE '' END
  FROM syllables, generate_series(1, 40000) g
) words WHERE w <> '';


INSERT INTO users (id, name)
SELECT 'u' || g, 'User ' || g FROM generate_series(1, 10000) g;

INSERT INTO conversations (id, type, name, created_by, direct_key, created_at)
SELECT 'g' || g, 'group', 'group ' || g, 'u' || (1 + (g * 7919) % 10000), NULL, now() - interval '400 days'
FROM generate_series(1, 4000) g;

-- members of groups: 3..40 users each (about 86,000 rows)
INSERT INTO members (conversation_id, user_id, role)
SELECT DISTINCT ON (c, u) 'g' || c, 'u' || u, CASE WHEN k = 0 THEN 'owner' ELSE 'member' END
FROM generate_series(1, 4000) c,
     LATERAL generate_series(0, 2 + (c * 31) % 38) k,
     LATERAL (SELECT 1 + ((c * 7919) + k * 104729 + k * k * 13) % 10000 AS u) pick
ORDER BY c, u, k;

-- direct conversations: 30,000 distinct pairs
INSERT INTO conversations (id, type, created_by, direct_key, created_at)
SELECT 'd' || g, 'direct', 'u' || a, least('u' || a, 'u' || b) || '|' || greatest('u' || a, 'u' || b), now() - interval '400 days'
FROM (SELECT g, 1 + (g * 7) % 10000 AS a, 1 + (g * 7 + 1 + g / 10000 * 37) % 10000 AS b
      FROM generate_series(1, 30000) g) p
ON CONFLICT (direct_key) DO NOTHING;
INSERT INTO members (conversation_id, user_id, role)
SELECT id, unnest(string_to_array(direct_key, '|')), 'member' FROM conversations WHERE type = 'direct';

-- GIN indexes are built once after the load (as CREATE INDEX would on an existing table), not
-- row by row: the same definitions, read back from the catalog so they stay the migrations' own
CREATE TEMP TABLE saved_indexes AS
  SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'messages' AND indexdef LIKE '%USING gin%';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT * FROM saved_indexes LOOP EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END LOOP;
END $$;

-- 1,000,000 messages: 70% in groups (skewed to busy ones), 30% in directs; 1% deleted, 2% system.
-- Word picks are joined to the vocabulary (a hash join), not looked up in a big array per word.
CREATE TEMP TABLE conv_index AS
  SELECT id, type, row_number() OVER (PARTITION BY type ORDER BY id)::int AS k FROM conversations;
CREATE TEMP TABLE picks AS
  SELECT g, w, least(v.n, floor(exp(random() * ln(v.n + 1)))::int) AS i
  FROM generate_series(1, 1000000) g, LATERAL generate_series(1, 3 + (g % 7) + (g % 11)) w,
       (SELECT count(*)::int AS n FROM vocab) v;
CREATE TEMP TABLE contents AS
  SELECT p.g, string_agg(vocab.w, ' ' ORDER BY p.w) AS content FROM picks p JOIN vocab USING (i) GROUP BY p.g;
DROP TABLE picks;
-- a sender per conversation (its first member by id) is all search needs
CREATE TEMP TABLE senders AS
  SELECT DISTINCT ON (conversation_id) conversation_id, user_id FROM members ORDER BY conversation_id, user_id;
INSERT INTO messages (id, conversation_id, seq, sender_id, type, content, created_at, deleted_at)
SELECT 'm' || c.g, ci.id, c.g, CASE WHEN c.g % 50 = 0 THEN NULL ELSE s.user_id END,
       CASE WHEN c.g % 50 = 0 THEN 'system' ELSE 'text' END,
       c.content,
       now() - (1000001 - c.g) * interval '30 seconds',
       CASE WHEN c.g % 100 = 7 THEN now() END
FROM (SELECT g, content,
             CASE WHEN random() < 0.7 THEN 'group' ELSE 'direct' END AS type,
             random() AS r FROM contents) c
JOIN (SELECT type, count(*) AS n FROM conv_index GROUP BY type) nt ON nt.type = c.type
JOIN conv_index ci ON ci.type = c.type
  AND ci.k = 1 + floor(nt.n * CASE WHEN c.type = 'group' THEN c.r ^ 2 ELSE c.r END)::int
JOIN senders s ON s.conversation_id = ci.id;

SET maintenance_work_mem = '256MB';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT * FROM saved_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
VACUUM ANALYZE;
