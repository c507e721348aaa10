-- On every shard's primary, as a superuser (psql -h <primary> -U postgres -f dba.sql); replicas get it by streaming.
CREATE ROLE app LOGIN PASSWORD 'change-me';
CREATE DATABASE skyriff_app OWNER app;
