"""Power BI set-up: the read-only login the reports use (powerbi_reader) and the .pbids connection file.

Data flow: scripts/setup_powerbi.py -> reader.setup_reader (role.py: the login, its password and settings;
           grants.py: its privileges, checked in sql/*_check.sql, fixed by sql/*_apply.sql) -> one Step per
           item; pbids.py -> scripts/powerbi/<database>.pbids.
Run standalone: python -m scripts.setup_powerbi
"""
