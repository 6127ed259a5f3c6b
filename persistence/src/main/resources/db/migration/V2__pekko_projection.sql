-- Pekko projection tables: the JDBC offset store and the projection management (pause/resume) table.
--
-- Source: org.apache.pekko:pekko-projection-jdbc_2.13:1.0.0 (the version pinned in the root pom),
--   the statements that JdbcOffsetStore.createIfNotExists() runs for
--   pekko.projection.jdbc.dialect = postgres-dialect with the default offset-store settings
--   (schema = "", table = "pekko_projection_offset_store",
--    management-table = "pekko_projection_management", use-lowercase-schema = true).
--   They were printed from the 1.0.0 jar itself: PostgresDialect.createTableStatements and
--   createManagementTableStatements (DialectDefaults, with quotes removed and lower-cased by the
--   postgres dialect). Copied verbatim; only this comment was added.
--   If any of those offset-store settings or the projection version changes, this DDL must follow
--   in a new migration.

create table if not exists pekko_projection_offset_store (
  projection_name varchar(255) not null,
  projection_key varchar(255) not null,
  current_offset varchar(255) not null,
  manifest varchar(4) not null,
  mergeable boolean not null,
  last_updated bigint not null,
  primary key(projection_name, projection_key)
);

create index if not exists projection_name_index on pekko_projection_offset_store (projection_name);

create table if not exists pekko_projection_management (
  projection_name varchar(255) not null,
  projection_key varchar(255) not null,
  paused boolean not null,
  last_updated bigint not null,
  primary key(projection_name, projection_key)
);
