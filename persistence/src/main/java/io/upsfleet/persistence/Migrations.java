package io.upsfleet.persistence;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database schema up to date with Flyway, from the SQL migrations on the classpath under
 * {@code db/migration} ({@code V1__pekko_persistence_jdbc.sql}, {@code V2__pekko_projection.sql},
 * then the read models).
 *
 * <p>Migrating is idempotent: a second call applies nothing. Several nodes may migrate the same
 * database at once; Flyway serialises them with a PostgreSQL advisory lock. Each migration runs in
 * its own transaction, so a failing one leaves no half-applied schema. Released migration files
 * must never be edited (Flyway validates their checksums and refuses to run); change a schema with
 * a new migration.
 */
public final class Migrations {

  static final String LOCATION = "classpath:db/migration";
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * Applies every pending migration.
   *
   * @param dataSource the database to migrate; its user must be allowed to create tables in the
   *     {@code public} schema (in PostgreSQL 15 and later: own the database). Not closed by this
   *     call.
   * @return how many migrations were applied by this call: 0 if the schema was already current
   * @throws org.flywaydb.core.api.FlywayException if the database cannot be reached, a migration
   *     fails, or an applied migration no longer matches its file
   */
  public static int migrate(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    MigrateResult result =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations(LOCATION)
            .failOnMissingLocations(true)
            .load()
            .migrate();
    LOG.info(
        "Database schema at version {} ({} migration(s) applied now)",
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion,
        result.migrationsExecuted);
    return result.migrationsExecuted;
  }
}
