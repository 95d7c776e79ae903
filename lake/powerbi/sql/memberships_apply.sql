-- End one membership of the reader (one row of memberships_check.sql).
REVOKE {granted} FROM {role}
