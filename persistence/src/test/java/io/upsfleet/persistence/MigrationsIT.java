package io.upsfleet.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.persistence.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MigrationsIT {

  private static final Set<String> PEKKO_TABLES =
      Set.of(
          "event_journal",
          "event_tag",
          "snapshot",
          "durable_state",
          "pekko_projection_offset_store",
          "pekko_projection_management");

  @Test
  void createsThePekkoTablesOnceAndThenHasNothingToDo() throws SQLException {
    try (HikariDataSource dataSource =
        DataSources.create(TestDatabases.fresh("migrations once"), "migrations-it")) {
      int applied = Migrations.migrate(dataSource);

      assertEquals(0, Migrations.migrate(dataSource));
      Set<String> versions = appliedVersions(dataSource);
      assertEquals(applied, versions.size(), "applied: " + versions);
      assertTrue(versions.containsAll(Set.of("1", "2")), "applied: " + versions);
      Set<String> tables = publicTables(dataSource);
      assertTrue(tables.containsAll(PEKKO_TABLES), "tables: " + tables);
    }
  }

  @Test
  void createsTheIndexesThePekkoPluginsQueryBy() throws SQLException {
    try (HikariDataSource dataSource = TestDatabases.migrated("migrations indexes")) {
      Set<String> indexes = new TreeSet<>();
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")) {
        while (rows.next()) {
          indexes.add(rows.getString(1));
        }
      }
      assertTrue(
          indexes.containsAll(
              Set.of(
                  "event_journal_ordering_idx",
                  "state_tag_idx",
                  "state_global_offset_idx",
                  "projection_name_index")),
          "indexes: " + indexes);
    }
  }

  @Test
  void theJournalAcceptsARowShapedLikePekkoWritesIt() throws SQLException {
    try (HikariDataSource dataSource = TestDatabases.migrated("migrations journal row");
        Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp,"
              + " event_ser_id, event_ser_manifest, event_payload)"
              + " VALUES ('ups|1', 1, 'w', 0, 33, 'E', '\\x00')");
      statement.executeUpdate(
          "INSERT INTO event_tag (event_id, tag)"
              + " SELECT ordering, 'ups-0' FROM event_journal WHERE persistence_id = 'ups|1'");
      statement.executeUpdate(
          "INSERT INTO pekko_projection_offset_store VALUES ('p', '0', '1', 'SEQ', false, 0)");

      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM event_tag")) {
        rows.next();
        assertEquals(1, rows.getInt(1));
      }
    }
  }

  private static Set<String> appliedVersions(HikariDataSource dataSource) throws SQLException {
    Set<String> versions = new TreeSet<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
      while (rows.next()) {
        versions.add(rows.getString(1));
      }
    }
    return versions;
  }

  private static Set<String> publicTables(HikariDataSource dataSource) throws SQLException {
    Set<String> tables = new TreeSet<>();
    try (Connection connection = dataSource.getConnection();
        ResultSet rows =
            connection.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      while (rows.next()) {
        tables.add(rows.getString("TABLE_NAME"));
      }
    }
    return tables;
  }
}
