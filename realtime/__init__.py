"""The one way events leave the server: `realtime.events.publish` to per-user groups on the channel layer (realtime.layers). Low enough for every app to call."""
