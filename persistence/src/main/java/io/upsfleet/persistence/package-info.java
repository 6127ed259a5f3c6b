/**
 * Database plumbing of upsfleet: typed database settings, HikariCP connection pools, the Flyway
 * migrations (the Pekko persistence and projection tables, then the read models), and the embedded
 * PostgreSQL server used by the demo. It knows nothing about UPS devices; every other module
 * reaches PostgreSQL through the four public types here: {@link
 * io.upsfleet.persistence.DatabaseSettings}, {@link io.upsfleet.persistence.DataSources}, {@link
 * io.upsfleet.persistence.Migrations} and {@link io.upsfleet.persistence.EmbeddedDatabase}.
 */
package io.upsfleet.persistence;
