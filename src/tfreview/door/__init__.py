"""The door (issue 11): rate limits, load shedding, automatic blocks — what the web layer asks before serving.

settings.py   `TFREVIEW_DOOR__*` (limits, trusted proxies, shedding thresholds, blocks, timeouts)
addresses.py  the client's address (X-Forwarded-For only from trusted proxies), the allow-list
limiter.py    the `limits` library over memory (embedded) or Redis (scaled): hits and failure counts
blocks.py     the block policy (threshold, exponential growth, allow-list) over the Blocks port, cached
shedding.py   the load-shedding decision (queue depth, oldest job's age, the `shed-load` lease)
door.py       `Door`: the four together, built by `wiring`, carried in `Services.door`
"""
