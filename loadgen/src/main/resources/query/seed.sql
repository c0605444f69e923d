-- The query scenario's data set: ${messages} messages in ${conversations} conversations among
-- ${conversations} users, every id prefixed bench-q- so it is told apart from anything else in the
-- database and can be replaced as a whole. Run by QuerySeed one step at a time (steps are separated
-- by "-- step:" lines); ${messages} and ${conversations} are integers put in by it.
--
-- Shaped like a chat service's history: 70 % groups of 3-30 members, 30 % direct conversations
-- (about 9 conversations a user); messages skewed towards busy conversations (the busiest holds
-- about 1 % of them, the quietest about 50); 4-15 words each from 20,000 words (147 common ones first) with a Zipf-like skew;
-- 1 % deleted. Rows go in in the order they were "sent" (interleaved across conversations, one every
-- 30 s back from now), so a conversation's history is spread over the table as it is in production,
-- not packed page by page. seq is dense per conversation (1, 2, 3 …): the load generator's writes
-- then get stream sequences above every seeded one (it checks) and the seeded history is entirely
-- "stored": no stream entry stands behind it.

-- step: old seed
DELETE FROM conversations WHERE id LIKE 'bench-q-%';

-- step: placement of every message (conversation, seq)
SELECT setseed(0.42);
SET work_mem = '256MB';
CREATE TEMP TABLE placed ON COMMIT PRESERVE ROWS AS
  SELECT g, k, row_number() OVER (PARTITION BY k ORDER BY g)::bigint AS seq
  FROM (SELECT g, 1 + floor(${conversations} * random() ^ 2)::int AS k
        FROM generate_series(1, ${messages}) g) a;
CREATE TEMP TABLE heads AS
  SELECT k, max(seq) AS last_seq, max(g) AS last_g FROM placed GROUP BY k;

-- step: users (kept from an earlier seed: deleting a user checks messages.sender_id, which no index
-- serves, so it would scan the table once per user)
INSERT INTO users (id, name)
SELECT 'bench-q-u' || u, 'Bench user ' || u FROM generate_series(1, ${conversations}) u
ON CONFLICT (id) DO NOTHING;

-- step: members of each conversation
CREATE TEMP TABLE roster AS
  SELECT k, array_agg(u ORDER BY j) AS users FROM (
    SELECT DISTINCT ON (k, u) k, u, j FROM (
      -- groups: 3..30 members spread over the users
      SELECT k, j, 1 + (k * 7919 + j * 104729) % ${conversations} AS u
      FROM generate_series(1, ${conversations}) k, LATERAL generate_series(0, 2 + (k * 31) % 28) j
      WHERE k % 10 < 7
      UNION ALL
      -- directs: two neighbours
      SELECT k, j, 1 + (k + j) % ${conversations}
      FROM generate_series(1, ${conversations}) k, generate_series(0, 1) j
      WHERE k % 10 >= 7) picks
    ORDER BY k, u, j) d
  GROUP BY k;

-- step: conversations
INSERT INTO conversations (id, type, name, created_by, direct_key, last_seq, last_activity_at, created_at)
SELECT 'bench-q-c' || lpad(r.k::text, 13, '0'),
       CASE WHEN r.k % 10 < 7 THEN 'group' ELSE 'direct' END,
       CASE WHEN r.k % 10 < 7 THEN 'bench group ' || r.k END,
       'bench-q-u' || r.users[1],
       CASE WHEN r.k % 10 >= 7 THEN 'bench-q-u' || least(r.users[1], r.users[2]) || '|bench-q-u' || greatest(r.users[1], r.users[2]) END,
       coalesce(h.last_seq, 0),
       now() - (${messages} - coalesce(h.last_g, 0)) * interval '30 seconds',
       now() - (${messages} + 1) * interval '30 seconds'
FROM roster r LEFT JOIN heads h USING (k);

-- step: memberships (a fifth of them a few messages behind, so unread counts are not all zero)
INSERT INTO members (conversation_id, user_id, role, joined_at, last_read_seq)
SELECT 'bench-q-c' || lpad(r.k::text, 13, '0'), 'bench-q-u' || m.u,
       CASE WHEN m.j = 1 AND r.k % 10 < 7 THEN 'owner' ELSE 'member' END,
       now() - (${messages} + 1) * interval '30 seconds',
       greatest(0, coalesce(h.last_seq, 0) - CASE WHEN (r.k + m.u) % 5 = 0 THEN (r.k * 13 + m.u) % 40 ELSE 0 END)
FROM roster r LEFT JOIN heads h USING (k), unnest(r.users) WITH ORDINALITY m(u, j);

-- step: messages
SET work_mem = '256MB';
SET gin_pending_list_limit = '64MB';
INSERT INTO messages (id, conversation_id, seq, prev_seq, sender_id, type, content, created_at, deleted_at)
SELECT 'bench-q-m' || lpad(p.g::text, 13, '0'),
       'bench-q-c' || lpad(p.k::text, 13, '0'),
       p.seq, nullif(p.seq - 1, 0),
       'bench-q-u' || r.users[1 + p.g % cardinality(r.users)],
       'text',
       CASE WHEN p.g % 100 = 7 THEN NULL ELSE (
         SELECT string_agg(
                  CASE WHEN w.i <= 147 THEN
                    (ARRAY['the','to','and','a','of','in','is','it','you','that','for','on','this','we','i',
                      'be','with','have','are','not','at','can','will','just','so','do','was','but','if',
                      'about','what','my','me','all','get','up','out','they','there','he','she','now','ok',
                      'yes','no','thanks','please','meeting','deploy','friday','release','build','test',
                      'review','merge','branch','server','client','database','query','index','search',
                      'message','file','upload','download','team','project','issue','ticket','bug','fix',
                      'feature','design','plan','week','today','tomorrow','morning','lunch','call','sync',
                      'update','status','report','customer','order','invoice','payment','price','hello',
                      'hi','hey','good','great','sure','maybe','think','know','need','want','look','see',
                      'send','check','done','ready','monday','tuesday','budget','roadmap','sprint','demo',
                      'launch','staging','production','rollback','incident','alert','latency','cache',
                      'backup','migration','schema','config','docs','api','token','login','password',
                      'email','invite','calendar','holiday','office','coffee','dinner','weekend','travel',
                      'flight','hotel','contract','offer','candidate','interview','feedback','slides'])[w.i]
                  ELSE
                    (ARRAY['ka','lo','mi','ren','tas','vel','dor','pin','sa','te','ru','gan','bis','mor','qui',
                      'zen','fa','lu','nor','pe','tri','xo','wen','ha','jo','cy','dra','sto','bel','fin'])[1 + w.i % 30]
                    || (ARRAY['ka','lo','mi','ren','tas','vel','dor','pin','sa','te','ru','gan','bis','mor','qui',
                      'zen','fa','lu','nor','pe','tri','xo','wen','ha','jo','cy','dra','sto','bel','fin'])[1 + (w.i / 30) % 30]
                    || CASE WHEN w.i % 3 > 0 THEN (ARRAY['ka','lo','mi','ren','tas','vel','dor','pin','sa','te',
                      'ru','gan','bis','mor','qui','zen','fa','lu','nor','pe','tri','xo','wen','ha','jo','cy','dra',
                      'sto','bel','fin'])[1 + (w.i / 900) % 30] ELSE '' END
                  END, ' ')
         FROM (SELECT least(20000, floor(exp(random() * ln(20001)))::int) AS i
               FROM generate_series(1, 4 + (p.g * 7) % 12)) w) END,
       now() - (${messages} - p.g) * interval '30 seconds',
       CASE WHEN p.g % 100 = 7 THEN now() END
FROM placed p JOIN roster r USING (k)
ORDER BY p.g;

-- step: flush the search indexes' pending lists
SELECT gin_clean_pending_list('messages_search'::regclass), gin_clean_pending_list('messages_trigram'::regclass);

-- step: vacuum messages
VACUUM (ANALYZE) messages;

-- step: vacuum members
VACUUM (ANALYZE) members;

-- step: vacuum conversations
VACUUM (ANALYZE) conversations;

-- step: vacuum users
VACUUM (ANALYZE) users;

-- step: mark the seed complete
UPDATE conversations SET description = '${marker}' WHERE id = 'bench-q-c0000000000001';
