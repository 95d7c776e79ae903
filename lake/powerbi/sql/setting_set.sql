-- One setting of the reader, for every database it connects to (takes effect at its next login).
ALTER ROLE {role} SET {setting} TO {value}
