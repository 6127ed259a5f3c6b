package io.upsfleet.persistence;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.net.URL;
import java.util.Locale;

/**
 * Finds the embedded PostgreSQL binaries on the classpath. zonky's default resolver refuses to
 * choose when the same archive is on the classpath twice (a runnable jar's manifest {@code
 * Class-Path} next to a test classpath does that); the archives are identical, so the first one is
 * taken.
 */
public final class PgBinaries {
  private PgBinaries() {}

  /** The resolver to give {@code EmbeddedPostgres.Builder#setPgBinaryResolver}. */
  public static PgBinaryResolver resolver() {
    return (system, hardware) -> {
      String name =
          String.format("postgres-%s-%s.txz", system, ArchUtils.normalize(hardware))
              .toLowerCase(Locale.ROOT);
      URL first = PgBinaries.class.getClassLoader().getResource(name);
      if (first != null) {
        return first.openStream();
      }
      return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, hardware);
    };
  }
}
