-- Set the reader's password. {password} is a verifier computed by libpq on the client
-- (psycopg2.extensions.encrypt_password), so the clear text never reaches the server or its log.
ALTER ROLE {role} WITH PASSWORD {password}
