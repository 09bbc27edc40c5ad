-- Listing documents (every sync round, every digest) read each row of `docs`, whose
-- snapshots spread it over the whole file: at HQ with 30 branch-years that was
-- thousands of encrypted pages per round. These indexes answer from themselves.
CREATE INDEX docs_listing ON docs(doc_id, owner);
CREATE INDEX docs_by_owner ON docs(owner, doc_id);
