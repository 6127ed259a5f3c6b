package io.upsfleet.load;

import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.persistence.DatabaseSettings;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The issue-12 report benchmark (a measurement, not a test: it asserts nothing and runs only when
 * asked): a gateway on an embedded PostgreSQL, 100,000 devices seeded straight into the read models
 * ({@code device_directory} and one {@code telemetry_history} point each, battery dates on half),
 * and MyInventory and MyRenewals downloaded as CSV and XLSX through the API. Prints the time of
 * each download, its size and the peak heap of the whole JVM (gateway and client) while it ran.
 * Run:
 *
 * <pre>
 * ./mvnw -B -o -q -pl load-tests -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test -Dspotless.check.skip=true
 * java -Xmx128m -XX:+UseSerialGC \
 *   -cp load-tests/target/test-classes:load-tests/target/classes:$(cat load-tests/target/test.classpath) \
 *   io.upsfleet.load.ReportBenchmark
 * </pre>
 *
 * (or as a test with {@code -Dtest=ReportBenchmark -DreportBenchmark=true}, under the build's
 * {@code -Xmx1g}).
 */
class ReportBenchmark {
  private static final int DEVICES = Integer.getInteger("reportBenchmark.devices", 100_000);

  /** Runs the measurement in this JVM (so its heap is what {@code java -Xmx…} sets). */
  public static void main(String[] args) throws Exception {
    new ReportBenchmark().measure();
    System.exit(0);
  }

  @Test
  @EnabledIfSystemProperty(named = "reportBenchmark", matches = "true")
  void measure() throws Exception {
    try (GatewayFixture gw =
        GatewayFixture.start(
            "ReportBenchmark", Map.of("upsfleet.gateway.http.requests-per-second", 1000))) {
      var support = gw.support();
      String account = support.createAccount("Bench " + GatewayFixture.uniqueSerial()).id();
      long t0 = System.nanoTime();
      seed(gw.directDatabase(), account);
      System.out.printf("seeded %d devices in %.1f s%n", DEVICES, (System.nanoTime() - t0) / 1e9);
      HttpClient http = HttpClient.newHttpClient();
      for (int round = 0; round < 2; round++) {
        for (String name :
            new String[] {
              "my-inventory.csv", "my-inventory.xlsx", "my-renewals.csv", "my-renewals.xlsx"
            }) {
          System.gc();
          long before = usedHeap();
          resetPeaks();
          long start = System.nanoTime();
          HttpResponse<InputStream> r =
              http.send(
                  HttpRequest.newBuilder(
                          gw.httpBase().resolve("/api/v1/accounts/" + account + "/reports/" + name))
                      .header("Authorization", "Bearer " + support.token())
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
          long bytes = 0;
          byte[] buf = new byte[64 * 1024];
          try (InputStream in = r.body()) {
            for (int n; (n = in.read(buf)) > 0; ) bytes += n;
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "round %d %-18s status %d  %,12d bytes  %6.2f s  heap before %4d MiB, peak %4d MiB%n",
              round, name, r.statusCode(), bytes, seconds, before >> 20, peakHeap() >> 20);
        }
      }
    }
  }

  private static void seed(DatabaseSettings db, String account) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement dir =
            c.prepareStatement(
                "INSERT INTO device_directory (serial, account_id, model, registered_at, online,"
                    + " status_flags, firmware, firmware_available, updated_at, plan, plan_ends_at,"
                    + " covered_until, warranty_ends_at, battery_warranty_ends_at)"
                    + " SELECT 'BM' || lpad(i::text, 10, '0'), ?::uuid,"
                    + " (ARRAY['SMT1500C','SMT750C','SMTL1500RM2UC','SRT2200XLIC'])[1 + i % 4],"
                    + " now() - (i % 1000) * interval '1 day', i % 10 <> 0,"
                    + " CASE WHEN i % 17 = 0 THEN ARRAY['OB','DISCHRG'] ELSE ARRAY['OL'] END,"
                    + " 'UPS 09.2 / ID=18', CASE WHEN i % 3 = 0 THEN 'UPS 09.8 / ID=18' END, now(),"
                    + " CASE WHEN i % 5 = 0 THEN 'ADVANCED' ELSE 'STANDARD' END,"
                    + " now() + (i % 400) * interval '1 day', now() + (i % 400) * interval '1 day',"
                    + " now() + (i % 900) * interval '1 day', now() + (i % 700) * interval '1 day'"
                    + " FROM generate_series(1, ?) i");
        PreparedStatement hist =
            c.prepareStatement(
                "INSERT INTO telemetry_history (serial, at, load, charge, battery_temperature,"
                    + " status, battery_date)"
                    + " SELECT 'BM' || lpad(i::text, 10, '0'), now(), (i % 80)::real,"
                    + " (50 + i % 50)::real, (25 + i % 10)::real, 'OL',"
                    + " CASE WHEN i % 2 = 0 THEN current_date - (i % 1500) END"
                    + " FROM generate_series(1, ?) i")) {
      dir.setString(1, account);
      dir.setInt(2, DEVICES);
      dir.executeUpdate();
      hist.setInt(1, DEVICES);
      hist.executeUpdate();
    }
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
    }
    return sum;
  }
}
