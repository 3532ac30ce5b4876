"""Open Referral UK (HSDS 3.0 UK profile): the public directory's API at /openreferral/ (`api`), its
query parameters (`query`), search (`search`), lookups by id (`selectors`) and the documents it returns
(`representation`)."""
