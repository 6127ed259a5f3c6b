package io.upsfleet.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.load.fleet.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * S4: command round trips at a fixed rate — API → entity → device → result → entity → API. Each
 * probe posts an input-sensitivity change (the simulated device answers at once) to a random device
 * and polls the command every 5 ms until it ends; the latency (from the intended start, open loop)
 * includes that polling granularity. Probes run concurrently: one slow round trip does not hold
 * back the next (a fixed-rate task never overlaps itself, so a single task would turn a slow answer
 * into a queue of late starts).
 */
final class CommandProbe implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final long POLL_MILLIS = 5;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "command-probe-ticker");
            t.setDaemon(true);
            return t;
          });
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "command-probe");
            t.setDaemon(true);
            return t;
          });
  private final Recorder latency = new Recorder(TimeUnit.MINUTES.toNanos(2), 3);
  private final AtomicLong failed = new AtomicLong();
  private final URI base;
  private final String token;
  private final List<Member> members;

  CommandProbe(URI base, String token, List<Member> members, double perSecond) {
    this.base = base;
    this.token = token;
    this.members = members;
    long period = (long) (1e9 / perSecond);
    ticker.scheduleAtFixedRate(
        () -> {
          long intended = System.nanoTime();
          pool.execute(() -> probe(intended));
        },
        0,
        period,
        TimeUnit.NANOSECONDS);
  }

  private void probe(long intended) {
    Member m = members.get(ThreadLocalRandom.current().nextInt(members.size()));
    String value = ThreadLocalRandom.current().nextBoolean() ? "low" : "medium";
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/devices/" + m.serial() + "/commands"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"type\":\"SET_INPUT_SENSITIVITY\",\"sensitivity\":\"" + value + "\"}"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        failed.incrementAndGet();
        return;
      }
      String id = JSON.readTree(r.body()).path("id").asText();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        HttpResponse<String> g =
            http.send(
                HttpRequest.newBuilder(
                        base.resolve("/api/v1/devices/" + m.serial() + "/commands/" + id))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode c = JSON.readTree(g.body());
        String status = c.path("status").asText();
        if (status.equals("SUCCEEDED")) {
          latency.recordValue(Math.min(System.nanoTime() - intended, TimeUnit.MINUTES.toNanos(2)));
          return;
        }
        if (!status.equals("PENDING")
            && !status.equals("SENT")
            && !status.equals("DELIVERED")
            && !status.equals("ACKNOWLEDGED")) break;
        Thread.sleep(POLL_MILLIS);
      }
      failed.incrementAndGet();
    } catch (Exception e) {
      failed.incrementAndGet();
    }
  }

  Histogram take() {
    return latency.getIntervalHistogram();
  }

  long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    pool.shutdownNow();
  }
}
