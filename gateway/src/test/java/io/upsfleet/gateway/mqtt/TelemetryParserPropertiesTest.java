package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class TelemetryParserPropertiesTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:30Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final byte[] EXAMPLE =
      ("{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":42,\"ups.status\":\"OL CHRG\",\"ups.load\":23,"
              + "\"battery.charge\":100,\"battery.runtime\":3620,\"input.voltage\":229.5,\"ups.model\":\"SMT1500C\","
              + "\"vendor.note\":\"x\"}")
          .getBytes(StandardCharsets.UTF_8);

  private static final List<TelemetryVariable> NUMBERS =
      Arrays.stream(TelemetryVariable.values())
          .filter(v -> v.kind() == TelemetryVariable.Kind.NUMBER)
          .toList();

  private final TelemetryParser parser = new TelemetryParser(64 * 1024, SKEW);
  private final JsonFactory json = new JsonFactory();

  /** A sample as a device would send it, and what the parser must make of it. */
  record Sample(
      Instant ts,
      long seq,
      Set<StatusFlag> status,
      Map<String, Double> numbers,
      Map<String, String> texts,
      int unknown) {}

  @Property
  void everyValidSampleRoundTripsItsValues(@ForAll("samples") Sample sample) {
    ParseResult<Telemetry> result = parser.parse(write(sample), RECEIVED);
    ParseResult.Accepted<Telemetry> accepted = assertAccepted(result);
    Telemetry t = accepted.value();
    assertEquals(sample.ts(), t.deviceTime());
    assertEquals(RECEIVED, t.receivedAt());
    assertEquals(sample.seq(), t.seq());
    assertEquals(sample.status(), t.status());
    assertEquals(new TreeMap<>(sample.numbers()), t.measurements());
    assertEquals(new TreeMap<>(sample.texts()), t.readings());
    assertEquals(sample.unknown(), accepted.ignoredKeys());
  }

  @Property
  void flagsTheClockExactlyWhenItIsFartherThanTheAllowedSkew(
      @ForAll @LongRange(min = -30L * 86_400, max = 30L * 86_400) long offsetSeconds) {
    Instant ts = RECEIVED.plusSeconds(offsetSeconds);
    Telemetry t = assertAccepted(parse("{'ts':'" + ts + "','seq':1,'ups.status':'OL'}")).value();
    assertEquals(Math.abs(offsetSeconds) > SKEW.toSeconds(), t.clockSkewed());
  }

  @Property
  void rejectsEveryNumberOutsideItsVariablesBounds(
      @ForAll("numberVariables") TelemetryVariable variable,
      @ForAll @DoubleRange(min = 0.01, max = 1e6) double beyond,
      @ForAll boolean below) {
    double value = below ? variable.min() - beyond : variable.max() + beyond;
    ParseResult<Telemetry> result =
        parse(
            "{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'OL','"
                + variable.wireName()
                + "':"
                + value
                + "}");
    assertReason(PayloadRejection.OUT_OF_RANGE, result);
  }

  @Property
  void rejectsEveryUnknownStatusToken(
      @ForAll @Chars({'A', 'B', 'C', 'L', 'O', 'R', 'T', 'x', '-'}) @StringLength(min = 1, max = 8)
          String token) {
    boolean known = Arrays.stream(StatusFlag.values()).anyMatch(f -> f.name().equals(token));
    ParseResult<Telemetry> result =
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'OL " + token + "'}");
    if (known) {
      assertAccepted(result);
    } else {
      assertReason(PayloadRejection.INVALID_VALUE, result);
    }
  }

  @Property
  void arbitraryBytesNeverThrow(@ForAll @Size(max = 512) byte[] payload) {
    assertWellFormed(parser.parse(payload, RECEIVED));
  }

  @Property
  void arbitraryJsonLikeTextNeverThrows(
      @ForAll
          @Chars({
            '{', '}', '[', ']', ':', ',', '"', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E'
          })
          @Chars({'N', 'a', 'n', 'I', 'f', 't', 'r', 'l', 's', ' '})
          @StringLength(max = 256)
          String text) {
    assertWellFormed(parser.parse(text.getBytes(StandardCharsets.UTF_8), RECEIVED));
  }

  @Property
  void mutatedValidPayloadsNeverThrow(
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 10_000) Integer> positions,
      @ForAll byte replacement,
      @ForAll @IntRange(min = 1, max = 10_000) int keep) {
    byte[] mutated = Arrays.copyOf(EXAMPLE, Math.min(EXAMPLE.length, keep));
    for (int position : positions) mutated[position % mutated.length] = replacement;
    assertWellFormed(parser.parse(mutated, RECEIVED));
  }

  // The event parser shares PayloadReader; its hostile-input property lives here with the others.
  @Property
  void eventParserNeverThrowsOnArbitraryBytes(@ForAll @Size(max = 512) byte[] payload) {
    ParseResult<DeviceEventReport> result =
        new DeviceEventParser(64 * 1024, SKEW).parse(payload, RECEIVED);
    assertWellFormed(result);
  }

  // --- generators

  @Provide
  Arbitrary<TelemetryVariable> numberVariables() {
    return Arbitraries.of(NUMBERS);
  }

  @Provide
  Arbitrary<Sample> samples() {
    Arbitrary<Instant> ts =
        Arbitraries.longs()
            .between(0, Instant.parse("2100-01-01T00:00:00Z").getEpochSecond())
            .flatMap(
                s ->
                    Arbitraries.integers()
                        .between(0, 999_999_999)
                        .map(n -> Instant.ofEpochSecond(s, n)));
    Arbitrary<Long> seq = Arbitraries.longs().greaterOrEqual(0);
    Arbitrary<Set<StatusFlag>> status = Arbitraries.of(StatusFlag.class).set().ofMinSize(1);
    Arbitrary<Map<String, Double>> numbers =
        optionalEntries(NUMBERS, TelemetryParserPropertiesTest::number);
    List<TelemetryVariable> texts =
        Arrays.stream(TelemetryVariable.values()).filter(v -> text(v) != null).toList();
    Arbitrary<Map<String, String>> readings =
        optionalEntries(texts, TelemetryParserPropertiesTest::text);
    Arbitrary<Integer> unknown = Arbitraries.integers().between(0, PayloadReader.MAX_UNKNOWN_KEYS);
    return Combinators.combine(ts, seq, status, numbers, readings, unknown).as(Sample::new);
  }

  private static <T> Arbitrary<Map<String, T>> optionalEntries(
      List<TelemetryVariable> variables, Function<TelemetryVariable, Arbitrary<T>> values) {
    List<Arbitrary<Map.Entry<String, T>>> entries =
        variables.stream()
            .map(v -> values.apply(v).map(value -> Map.entry(v.wireName(), value)).injectNull(0.4))
            .toList();
    return Combinators.combine(entries)
        .as(
            list ->
                list.stream()
                    .filter(Objects::nonNull)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  private static Arbitrary<Double> number(TelemetryVariable v) {
    Arbitrary<Double> fractional = Arbitraries.doubles().between(v.min(), v.max()).ofScale(4);
    Arbitrary<Double> whole =
        Arbitraries.integers().between((int) v.min(), (int) v.max()).map(Integer::doubleValue);
    return Arbitraries.oneOf(fractional, whole, Arbitraries.of(v.min(), v.max()));
  }

  /**
   * Values of a string variable that must be accepted; null for a variable this test cannot
   * generate.
   */
  private static Arbitrary<String> text(TelemetryVariable v) {
    return switch (v.kind()) {
      case ENUM -> Arbitraries.of(v.allowed());
      case DATE ->
          Arbitraries.longs()
              .between(
                  LocalDate.of(2000, 1, 1).toEpochDay(), LocalDate.of(2099, 12, 31).toEpochDay())
              .map(d -> LocalDate.ofEpochDay(d).toString());
      case TEXT ->
          switch (v) {
            case UPS_FIRMWARE ->
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(64);
            case UPS_MODEL ->
                Arbitraries.strings()
                    .alpha()
                    .numeric()
                    .withChars(" .-")
                    .ofMinLength(1)
                    .ofMaxLength(32);
            case UPS_SERIAL ->
                Arbitraries.strings()
                    .withCharRange('A', 'Z')
                    .numeric()
                    .ofMinLength(8)
                    .ofMaxLength(20);
            case INPUT_TRANSFER_REASON ->
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(48);
            default -> null;
          };
      default -> null;
    };
  }

  private byte[] write(Sample sample) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = json.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", sample.ts().toString());
      g.writeNumberField("seq", sample.seq());
      g.writeStringField("ups.status", StatusFlag.render(EnumSet.copyOf(sample.status())));
      for (Map.Entry<String, Double> e : sample.numbers().entrySet())
        g.writeNumberField(e.getKey(), e.getValue());
      for (Map.Entry<String, String> e : sample.texts().entrySet())
        g.writeStringField(e.getKey(), e.getValue());
      for (int i = 0; i < sample.unknown(); i++) g.writeNumberField("vendor.extra" + i, i);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // --- assertions

  /** Single quotes stand for double quotes, to keep the payloads readable. */
  private ParseResult<Telemetry> parse(String singleQuoted) {
    return parser.parse(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8), RECEIVED);
  }

  private static <T> ParseResult.Accepted<T> assertAccepted(ParseResult<T> result) {
    if (result instanceof ParseResult.Rejected<T> r) {
      throw new AssertionError("expected Accepted, got " + r.reason() + ": " + r.detail());
    }
    return (ParseResult.Accepted<T>) result;
  }

  private static void assertReason(PayloadRejection expected, ParseResult<?> result) {
    assertTrue(
        result instanceof ParseResult.Rejected<?> r && r.reason() == expected,
        String.valueOf(result));
  }

  /** Accepted with a value, or Rejected with a short detail: never null, never an exception. */
  private static void assertWellFormed(ParseResult<?> result) {
    assertNotNull(result);
    if (result instanceof ParseResult.Rejected<?> r) {
      assertNotNull(r.reason());
      assertTrue(!r.detail().isBlank() && r.detail().length() <= 200, r.detail());
    } else {
      assertNotNull(((ParseResult.Accepted<?>) result).value());
    }
  }
}
