"""Query strings read into plain values: the items parameters (bbox, datetime, filter, sortby,
properties, cursor) and the queryables as parameters (`?crop=tea`)."""
