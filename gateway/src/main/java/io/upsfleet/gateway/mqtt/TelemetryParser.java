package io.upsfleet.gateway.mqtt;

import com.fasterxml.jackson.core.JsonParser;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns the payload of {@code ups/{serial}/telemetry} into a {@link Telemetry} sample, or refuses
 * all of it. The payload is one flat JSON object keyed by NUT variable names ({@link
 * TelemetryVariable}) plus {@code ts} and {@code seq}, for example {@code
 * {"ts":"2026-11-28T10:00:00Z","seq":42,"ups.status":"OL
 * CHRG","ups.load":23,"input.voltage":229.5}}.
 *
 * <ul>
 *   <li>{@code ts}, {@code seq} and {@code ups.status} are required; a null counts as missing.
 *   <li>{@code ups.status} holds 1 to {@value #MAX_STATUS_FLAGS} upper-case {@link StatusFlag}
 *       tokens separated by spaces; an unknown token refuses the sample.
 *   <li>Number variables must be JSON numbers within their bounds, string variables JSON strings of
 *       their format; no coercion, and null for an optional variable is a wrong type, not an
 *       absence.
 *   <li>Unknown keys are ignored and counted in {@link ParseResult.Accepted#ignoredKeys()}, within
 *       the limits of {@link PayloadReader}.
 *   <li>A device clock far from {@code receivedAt} only sets {@link Telemetry#clockSkewed()}.
 * </ul>
 *
 * <p>It does not compare {@code ups.serial} with the topic: that is the translator's job.
 * Thread-safe.
 */
final class TelemetryParser {

  /** Most flags a {@code ups.status} may hold; NUT defines fewer, so more is garbage. */
  static final int MAX_STATUS_FLAGS = 16;

  private final PayloadReader reader;

  /**
   * @param maxPayloadBytes largest accepted payload, in bytes
   * @param maxClockSkew the device clock distance beyond which a sample is flagged {@code
   *     clockSkewed}
   */
  TelemetryParser(int maxPayloadBytes, Duration maxClockSkew) {
    this.reader = new PayloadReader(maxPayloadBytes, maxClockSkew);
  }

  /**
   * Parses one payload; never throws for any content.
   *
   * @param payload the PUBLISH payload bytes, never null
   * @param receivedAt the server receive time, never null; it becomes {@link
   *     Telemetry#receivedAt()}
   */
  ParseResult<Telemetry> parse(byte[] payload, Instant receivedAt) {
    return reader.read(payload, receivedAt, new Sample());
  }

  /** Collects the variables of one payload. */
  private static final class Sample implements PayloadReader.Body<Telemetry> {
    private Set<StatusFlag> status;
    private final SortedMap<String, Double> measurements = new TreeMap<>();
    private final SortedMap<String, String> readings = new TreeMap<>();

    @Override
    public boolean field(String name, JsonParser parser) throws IOException, PayloadReader.Reject {
      Optional<TelemetryVariable> known = TelemetryVariable.fromWireName(name);
      if (known.isEmpty()) return false;
      TelemetryVariable variable = known.get();
      // The variable's own (constant) name is the key: the parsed one is a fresh string per sample,
      // and the
      // latest sample of every device stays in memory.
      String key = variable.wireName();
      switch (variable.kind()) {
        case FLAGS -> status = flags(PayloadReader.string(parser, key, true));
        case NUMBER -> measurements.put(key, checked(variable, PayloadReader.number(parser, key)));
        default -> readings.put(key, checked(variable, PayloadReader.string(parser, key, false)));
      }
      return true;
    }

    @Override
    public Telemetry finish(PayloadReader.Envelope envelope) throws PayloadReader.Reject {
      if (status == null) throw PayloadReader.missing(TelemetryVariable.UPS_STATUS.wireName());
      return new Telemetry(
          envelope.deviceTime(),
          envelope.receivedAt(),
          envelope.seq(),
          status,
          measurements,
          readings,
          envelope.clockSkewed());
    }
  }

  private static double checked(TelemetryVariable variable, double value)
      throws PayloadReader.Reject {
    Optional<String> problem = variable.checkNumber(value);
    if (problem.isPresent())
      throw new PayloadReader.Reject(PayloadRejection.OUT_OF_RANGE, problem.get());
    return value;
  }

  private static String checked(TelemetryVariable variable, String value)
      throws PayloadReader.Reject {
    Optional<String> problem = variable.checkText(value);
    if (problem.isPresent())
      throw new PayloadReader.Reject(PayloadRejection.INVALID_VALUE, problem.get());
    return value;
  }

  private static Set<StatusFlag> flags(String text) throws PayloadReader.Reject {
    String name = TelemetryVariable.UPS_STATUS.wireName();
    Set<StatusFlag> flags = EnumSet.noneOf(StatusFlag.class);
    int tokens = 0;
    // Tokens are separated by runs of ASCII spaces (padding is harmless); any other character, a
    // tab
    // included, belongs to a token and so makes it unknown.
    for (int start = 0, end; start < text.length(); start = end) {
      if (text.charAt(start) == ' ') {
        end = start + 1;
        continue;
      }
      end = text.indexOf(' ', start);
      if (end < 0) end = text.length();
      if (++tokens > MAX_STATUS_FLAGS) {
        throw new PayloadReader.Reject(
            PayloadRejection.LIMIT_EXCEEDED,
            name + " holds more than " + MAX_STATUS_FLAGS + " flags");
      }
      String token = text.substring(start, end);
      // fromToken ignores case; the wire format is upper case, so "ol" is refused rather than
      // coerced.
      Optional<StatusFlag> flag = StatusFlag.fromToken(token).filter(f -> f.name().equals(token));
      if (flag.isEmpty()) {
        throw new PayloadReader.Reject(
            PayloadRejection.INVALID_VALUE,
            name + " has an unknown flag " + PayloadReader.excerpt(token));
      }
      flags.add(flag.get());
    }
    if (flags.isEmpty()) {
      throw new PayloadReader.Reject(
          PayloadRejection.INVALID_VALUE, name + " must hold at least one flag");
    }
    return flags;
  }
}
