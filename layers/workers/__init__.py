"""Worker processes for work that could crash or stall the caller (a parser overflowing its
stack, a geometry repair spending minutes): a deadline and a memory cap each. No database."""
