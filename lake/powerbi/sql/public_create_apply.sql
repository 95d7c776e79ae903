-- The PostgreSQL 15 default (and its advice for older servers): nobody creates in schema public unless
-- granted. The pipeline keeps nothing in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC
