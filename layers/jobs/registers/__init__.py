"""Household registers (issue 16): a commune's register file read as a stream, its rows matched to
villages and paired with household points, stored in `private`, reported, and the rows to place
written back in the file's own format."""
