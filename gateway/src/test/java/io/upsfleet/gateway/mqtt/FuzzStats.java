package io.upsfleet.gateway.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the executions of each fuzz target and appends them to {@code target/fuzz-stats.txt} when
 * the test class ends (Jazzer's own libFuzzer statistics do not reach the surefire reports).
 */
final class FuzzStats {
  private record Run(Instant first, Instant last, long executions) {}

  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  void count(String target) {
    Instant now = Instant.now();
    runs.merge(
        target, new Run(now, now, 1), (a, b) -> new Run(a.first(), b.last(), a.executions() + 1));
  }

  void write(Class<?> fuzzClass) {
    StringBuilder sb = new StringBuilder();
    runs.forEach(
        (target, run) ->
            sb.append(
                String.format(
                    "%s %s#%s executions=%d seconds=%d fuzzing=%s%n",
                    run.first(),
                    fuzzClass.getSimpleName(),
                    target,
                    run.executions(),
                    Duration.between(run.first(), run.last()).toSeconds(),
                    System.getenv().getOrDefault("JAZZER_FUZZ", "0"))));
    System.out.print(sb);
    try {
      Files.writeString(
          Path.of("target", "fuzz-stats.txt"),
          sb,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("could not write target/fuzz-stats.txt: " + e);
    }
  }
}
