"""HTTP plumbing around the routes: the outermost edge (request ids, send timeouts, the last-resort
500), Host and proxy checks, security headers, HEAD/OPTIONS, content negotiation, per-client
limits on expensive requests, unknown-parameter refusal and the tile fast path."""
