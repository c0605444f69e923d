#!/usr/bin/env bash
# Plans and times the search query on a million messages (docs/search.md): creates a scratch
# database, applies the migrations, generates the data (scripts/search-scale/generate.sql), runs
# EXPLAIN (ANALYZE, BUFFERS) of the statements search sends (search-scale/statements.sql, kept equal
# to SearchSql by a unit test) for a typical user, a heavy user and one big conversation, prints the
# median of 5 timed runs each, and drops the database. About 10 minutes on 2 cores; needs psql.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB=parley_search_scale_$$
HERE="$PARLEY_ROOT/scripts/search-scale"
OUT="${1:-$PARLEY_RUN_DIR/search-scale.txt}"
export PGHOST=$PARLEY_PG_HOST PGPORT=$PARLEY_PG_PORT PGUSER=$PARLEY_PG_USER PGPASSWORD=$PARLEY_PG_PASSWORD
# the session settings of search's own pool (MessageSearch.CONNECTION_SETTINGS)
SEARCH_SESSION='-c pg_trgm.word_similarity_threshold=0.5 -c plan_cache_mode=force_generic_plan'

drop() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null; }
trap drop EXIT

say "search-scale: scratch database $DB"
psql -qX -d postgres -c "CREATE DATABASE $DB"
for f in $(ls "$PARLEY_ROOT"/migrations/src/main/resources/db/migration/V*__*.sql | sort -V); do
  psql -qX -v ON_ERROR_STOP=1 -d "$DB" -f "$f" >/dev/null
done
say "search-scale: generating 1,000,000 messages"
time psql -qX -v ON_ERROR_STOP=1 -d "$DB" -f "$HERE/generate.sql" >/dev/null

# who: the user with the median number of visible messages, the one with the most, and a member
# of the busiest conversation
read -r TYPICAL HEAVY BIG_USER BIG_CONV < <(psql -qXtA -F' ' -d "$DB" -c "
  WITH per_user AS (SELECT mb.user_id, count(m.id) AS n FROM members mb
                    JOIN messages m ON m.conversation_id = mb.conversation_id GROUP BY mb.user_id),
       big AS (SELECT conversation_id FROM messages GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)
  SELECT (SELECT user_id FROM per_user ORDER BY n OFFSET (SELECT count(*) / 2 FROM per_user) LIMIT 1),
         (SELECT user_id FROM per_user ORDER BY n DESC LIMIT 1),
         (SELECT min(user_id) FROM members WHERE conversation_id = (SELECT conversation_id FROM big)),
         (SELECT conversation_id FROM big)")

{
  psql -qXtA -d "$DB" -c "
    SELECT 'messages: ' || count(*) || ', conversations: ' || (SELECT count(*) FROM conversations)
      || ', users: ' || (SELECT count(*) FROM users) FROM messages"
  for u in "$TYPICAL" "$HEAVY" "$BIG_USER"; do
    psql -qXtA -d "$DB" -c "SELECT '$u: ' || count(DISTINCT mb.conversation_id) || ' conversations, '
      || count(m.id) || ' messages' FROM members mb JOIN messages m ON m.conversation_id = mb.conversation_id
      WHERE mb.user_id = '$u'"
  done
  psql -qXtA -d "$DB" -c "SELECT '$BIG_CONV: ' || count(*) || ' messages' FROM messages WHERE conversation_id = '$BIG_CONV', '[]'"
  psql -qXtA -d "$DB" -c "SELECT indexrelname || ': ' || pg_size_pretty(pg_relation_size(indexrelid))
    FROM pg_stat_user_indexes WHERE relname = 'messages' ORDER BY 1"
} | tee "$OUT"

# the last argument: no unstored message (what the worker has not stored yet joins as a JSON array)
CASES=(
  "words|'deploy friday', '$TYPICAL', 20, 'deploy', 'friday', '[]'"
  "words|'deploy friday', '$HEAVY', 20, 'deploy', 'friday', '[]'"
  "word|'meeting', '$TYPICAL', 20, 'meeting', '[]'"
  "word|'meeting', '$HEAVY', 20, 'meeting', '[]'"
  "typo|'relase', '$TYPICAL', 20, 'relase', '[]'"
  "typo|'relase', '$HEAVY', 20, 'relase', '[]'"
  "scoped|'relase', '$BIG_USER', 20, 'relase', '$BIG_CONV', '[]'"
)
for c in "${CASES[@]}"; do
  name=${c%%|*}; args=${c#*|}
  plan=$({ cat "$HERE/statements.sql"; for _ in 1 2 3 4 5 6; do echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE $name($args);"; done; } \
    | PGOPTIONS="$SEARCH_SESSION" psql -qX -v ON_ERROR_STOP=1 -d "$DB")
  median=$(grep 'Execution Time' <<<"$plan" | awk '{print $3}' | tail -n 5 | sort -n | sed -n 3p)
  { echo; echo "== $name($args): median of 5 runs ${median} ms"; awk '/QUERY PLAN/{n++} n==6' <<<"$plan"; } | tee -a "$OUT"
done
say "search-scale: plans and timings in $(rel "$OUT")"
