package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes every device payload parser with raw bytes, as they arrive in a PUBLISH. Each must return
 * a result for any input, never throw, and keep a rejection's detail safe to log (bounded, no
 * control characters). Runs only with {@code -Pfuzz}; see docs/FUZZING.md.
 */
class PayloadParsersFuzz {
  private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:30Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final int MAX_BYTES = 64 * 1024; // the default max-packet-size

  private final TelemetryParser telemetry = new TelemetryParser(MAX_BYTES, SKEW);
  private final DeviceEventParser events = new DeviceEventParser(MAX_BYTES, SKEW);
  private final CommandResultParser results = new CommandResultParser(MAX_BYTES, SKEW);
  private final PayloadReader reader = new PayloadReader(MAX_BYTES, SKEW);
  private static final FuzzStats STATS = new FuzzStats();

  @AfterAll
  static void report() {
    STATS.write(PayloadParsersFuzz.class);
  }

  @FuzzTest
  void telemetry(byte[] payload) {
    STATS.count("telemetry");
    check(telemetry.parse(payload, RECEIVED));
  }

  @FuzzTest
  void deviceEvent(byte[] payload) {
    STATS.count("deviceEvent");
    check(events.parse(payload, RECEIVED));
  }

  @FuzzTest
  void commandResult(byte[] payload) {
    STATS.count("commandResult");
    check(results.parse(payload, RECEIVED));
  }

  /** The shared envelope and the vetting of unknown keys, with a body that knows no key. */
  @FuzzTest
  void payloadReader(byte[] payload) {
    STATS.count("payloadReader");
    check(reader.read(payload, RECEIVED, new EnvelopeOnly()));
  }

  private static void check(ParseResult<?> result) {
    assertNotNull(result);
    if (result instanceof ParseResult.Rejected<?> r) {
      String detail = r.detail();
      assertTrue(detail.length() <= 200, "detail too long");
      assertTrue(
          detail.chars().noneMatch(Character::isISOControl),
          () -> "control character in detail: " + detail.replaceAll("\\p{Cntrl}", "^"));
    }
  }

  private static final class EnvelopeOnly implements PayloadReader.Body<PayloadReader.Envelope> {
    @Override
    public boolean field(String name, JsonParser parser) {
      return false;
    }

    @Override
    public PayloadReader.Envelope finish(PayloadReader.Envelope envelope) {
      return envelope;
    }
  }
}
