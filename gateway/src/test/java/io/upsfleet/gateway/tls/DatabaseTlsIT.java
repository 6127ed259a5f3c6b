package io.upsfleet.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.persistence.DataSources;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.PgBinaries;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL over TLS as the README documents it: the node's pools take the JDBC driver's {@code
 * sslmode}/{@code sslrootcert} from {@code UPSFLEET_DB_URL}. Against a real PostgreSQL that accepts
 * only TLS connections (pg_hba {@code hostssl}), with a server certificate of a local authority:
 * {@code verify-full} with that authority connects encrypted; with another authority it is refused
 * before any password is sent; {@code disable} is refused by the server.
 */
class DatabaseTlsIT {
  private static Path dir;
  private static LocalCa ca;
  private static LocalCa otherCa;
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws IOException, SQLException {
    dir = Files.createTempDirectory("upsfleet-db-tls");
    ca = LocalCa.openOrCreate(dir.resolve("ca"));
    otherCa = LocalCa.openOrCreate(dir.resolve("other-ca"));
    postgres =
        EmbeddedPostgres.builder()
            .setPgBinaryResolver(PgBinaries.resolver())
            .setDataDirectory(dir.resolve("pg"))
            .setCleanDataDirectory(true)
            .setRegisterShutdownHook(false)
            .setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", ca.serverCertFile().toString())
            .setServerConfig("ssl_key_file", ca.serverKeyFile().toString())
            .start();
    // Only TLS over TCP from now on (the local socket stays for the server's own tools).
    Files.writeString(
        dir.resolve("pg").resolve("pg_hba.conf"),
        "local all all trust\n"
            + "hostnossl all all 0.0.0.0/0 reject\n"
            + "hostnossl all all ::/0 reject\n"
            + "hostssl all all 127.0.0.1/32 trust\n"
            + "hostssl all all ::1/128 trust\n");
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (postgres != null) postgres.close();
  }

  private static DatabaseSettings settings(String parameters) {
    return new DatabaseSettings(
        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?" + parameters,
        "postgres",
        "unused",
        1,
        Duration.ofSeconds(3));
  }

  @Test
  void verifyFullWithTheServersAuthorityConnectsEncrypted() throws SQLException {
    try (HikariDataSource pool =
            DataSources.create(
                settings("sslmode=verify-full&sslrootcert=" + ca.caFile()), "tls-verify-full");
        Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getBoolean("ssl")).isTrue();
      assertThat(r.getString("version")).startsWith("TLSv1.");
    }
  }

  @Test
  void verifyFullWithAnotherAuthorityIsRefused() {
    assertThatThrownBy(
            () ->
                DataSources.create(
                        settings("sslmode=verify-full&sslrootcert=" + otherCa.caFile()),
                        "tls-wrong-ca")
                    .close())
        .hasStackTraceContaining("SSL");
  }

  @Test
  void aConnectionWithoutTlsIsRefusedByTheServer() {
    assertThatThrownBy(
            () -> DataSources.create(settings("sslmode=disable"), "tls-disabled").close())
        .hasStackTraceContaining("no encryption");
  }
}
