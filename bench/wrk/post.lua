-- POST the JSON body in BENCH_BODY to the URL given on the command line; the same body every
-- time (no id in it: the server generates one per request, so every POST is a creation).
-- Used for kinto-edge's POST of a record, its /v1/batch (BENCH_SUB_STATUSES=1), and the
-- floor's /insert.
dofile("report.lua")
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
