package io.upsfleet.load;

import java.time.Duration;
import picocli.CommandLine;

/** Parses {@code 30s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 durations. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String v) {
    if (v.startsWith("P") || v.startsWith("p")) return Duration.parse(v);
    if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default ->
          throw new CommandLine.TypeConversionException("use 500ms, 30s, 2m, 1h or ISO-8601: " + v);
    };
  }
}
