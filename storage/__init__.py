"""The relational store: schema (``models``), connections and migrations (``db``),
writes that deduplicate (``repository``) and read-side queries (``queries``)."""
