package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TelemetryParserTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:30Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final String HEAD = "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL CHRG'";

  private final TelemetryParser parser = new TelemetryParser(16 * 1024, SKEW);
  // Big enough that the hostile payloads below reach the JSON parser and its limits.
  private final TelemetryParser roomy = new TelemetryParser(4 * 1024 * 1024, SKEW);

  // --- accepted samples

  @Test
  void acceptsTheDocumentedExample() {
    Telemetry t =
        accepted(
            parse(
                "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL CHRG','ups.load':23,'battery.charge':100,"
                    + "'battery.runtime':3620,'input.voltage':229.5,'ups.temperature':31.5}"));
    assertEquals(Instant.parse("2026-11-28T10:00:00Z"), t.deviceTime());
    assertEquals(RECEIVED, t.receivedAt());
    assertEquals(42, t.seq());
    assertEquals(Set.of(StatusFlag.OL, StatusFlag.CHRG), t.status());
    assertEquals(
        Map.of(
            "ups.load", 23.0,
            "battery.charge", 100.0,
            "battery.runtime", 3620.0,
            "input.voltage", 229.5,
            "ups.temperature", 31.5),
        t.measurements());
    assertTrue(t.readings().isEmpty());
    assertFalse(t.clockSkewed());
  }

  @Test
  void acceptsTheMinimalSample() {
    ParseResult<Telemetry> result = parse(HEAD + "}");
    assertEquals(0, assertInstanceOf(ParseResult.Accepted.class, result).ignoredKeys());
    assertTrue(accepted(result).measurements().isEmpty());
  }

  @Test
  void keepsStringVariablesAsReadings() {
    Telemetry t =
        accepted(
            parse(
                HEAD
                    + ",'ups.model':'Smart-UPS 1500','ups.serial':'AS1036123456',"
                    + "'ups.firmware':'UPS 09.2 / ID=18','ups.test.result':'in progress',"
                    + "'input.sensitivity':'medium','battery.date':'2024-03-01',"
                    + "'input.transfer.reason':'HighInputVoltage','outlet.group.1.status':'off'}"));
    assertEquals("Smart-UPS 1500", t.text(TelemetryVariable.UPS_MODEL));
    assertEquals("UPS 09.2 / ID=18", t.text(TelemetryVariable.UPS_FIRMWARE));
    assertEquals("in progress", t.text(TelemetryVariable.UPS_TEST_RESULT));
    assertEquals("2024-03-01", t.text(TelemetryVariable.BATTERY_DATE));
    assertEquals("off", t.text(TelemetryVariable.OUTLET_GROUP_1_STATUS));
    assertEquals(8, t.readings().size());
    assertTrue(t.measurements().isEmpty());
  }

  @Test
  void acceptsBoundaryValues() {
    Telemetry t =
        accepted(parse(HEAD + ",'battery.charge':0,'ups.load':200,'battery.temperature':-40}"));
    assertEquals(0.0, t.number(TelemetryVariable.BATTERY_CHARGE));
    assertEquals(200.0, t.number(TelemetryVariable.UPS_LOAD));
    assertEquals(-40.0, t.number(TelemetryVariable.BATTERY_TEMPERATURE));
  }

  @Test
  void acceptsExponentNotationForNumberVariables() {
    Telemetry t = accepted(parse(HEAD + ",'battery.runtime':3.62e3}"));
    assertEquals(3620.0, t.number(TelemetryVariable.BATTERY_RUNTIME));
  }

  @Test
  void acceptsWhitespaceAroundTheObject() {
    accepted(parse(" \r\n\t" + HEAD + "}\n"));
  }

  @Test
  void acceptsTheLargestSeqAndZero() {
    assertEquals(
        Long.MAX_VALUE,
        accepted(parse("{'ts':'2026-11-28T10:00:00Z','seq':9223372036854775807,'ups.status':'OL'}"))
            .seq());
    assertEquals(
        0, accepted(parse("{'ts':'2026-11-28T10:00:00Z','seq':0,'ups.status':'OL'}")).seq());
  }

  // --- NaN, Infinity and other number syntax

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf"})
  void rejectsNaNAndInfinity(String token) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(HEAD + ",'ups.load':" + token + "}"));
  }

  @Test
  void rejectsNaNAsTheValueOfAnUnknownKey() {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(HEAD + ",'vendor.x':NaN}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"007", "+1", ".5", "1.", "0x10", "1e", "--1"})
  void rejectsNumbersThatAreNotJson(String token) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(HEAD + ",'ups.load':" + token + "}"));
  }

  @Test
  void rejectsANumberThatOverflowsToInfinityAsOutOfRange() {
    assertRejected(PayloadRejection.OUT_OF_RANGE, parse(HEAD + ",'ups.load':1e400}"));
  }

  @Test
  void rejectsAnOverlongNumberLiteral() {
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED, parse(HEAD + ",'ups.load':" + "1".repeat(40) + "}"));
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED, parse(HEAD + ",'ups.load':0." + "0".repeat(40) + "1}"));
  }

  // --- ranges

  @ParameterizedTest
  @CsvSource({
    "battery.charge, -5",
    "battery.charge, 140",
    "ups.load, -1",
    "input.voltage, 10000",
    "output.voltage, 10000",
    "ups.temperature, 500",
    "battery.temperature, 500",
    "battery.runtime, -1",
    "input.frequency, 1e9"
  })
  void rejectsOutOfRangeValues(String variable, String value) {
    assertRejected(
        PayloadRejection.OUT_OF_RANGE, parse(HEAD + ",'" + variable + "':" + value + "}"));
  }

  @Test
  void rejectsTheWholeSampleWhenOneValueIsInvalid() {
    ParseResult<Telemetry> result =
        parse(HEAD + ",'ups.load':23,'battery.charge':140,'input.voltage':229.5}");
    Rejected r = assertRejected(PayloadRejection.OUT_OF_RANGE, result);
    assertTrue(r.detail().contains("battery.charge"), r.detail());
  }

  // --- required fields, null and wrong types

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'seq':42,'ups.status':'OL'}",
        "{'ts':'2026-11-28T10:00:00Z','ups.status':'OL'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.load':23}",
        "{}"
      })
  void rejectsAMissingRequiredField(String payload) {
    assertRejected(PayloadRejection.MISSING_FIELD, parse(payload));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'ts':null,'seq':42,'ups.status':'OL'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':null,'ups.status':'OL'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':null}"
      })
  void rejectsANullRequiredFieldAsMissing(String payload) {
    assertRejected(PayloadRejection.MISSING_FIELD, parse(payload));
  }

  @ParameterizedTest
  @ValueSource(strings = {"'ups.load':null", "'ups.model':null", "'input.sensitivity':null"})
  void rejectsNullForAnOptionalVariable(String field) {
    assertRejected(PayloadRejection.WRONG_TYPE, parse(HEAD + "," + field + "}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'battery.charge':'ninety'",
        "'battery.charge':'90'",
        "'battery.charge':true",
        "'battery.charge':false",
        "'battery.charge':[90]",
        "'battery.charge':[]",
        "'battery.charge':{'value':90}",
        "'ups.model':1500",
        "'ups.model':['SMT1500C']",
        "'input.sensitivity':true",
        "'battery.date':20240301"
      })
  void rejectsWrongTypesWithoutCoercion(String field) {
    assertRejected(PayloadRejection.WRONG_TYPE, parse(HEAD + "," + field + "}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"['OL']", "1", "true", "{'OL':true}"})
  void rejectsAStatusThatIsNotAString(String value) {
    assertRejected(
        PayloadRejection.WRONG_TYPE,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':" + value + "}"));
  }

  // --- seq and ts

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "-1 | OUT_OF_RANGE",
        "9223372036854775808 | OUT_OF_RANGE",
        "99999999999999999999 | OUT_OF_RANGE",
        "1.5 | WRONG_TYPE",
        "42.0 | WRONG_TYPE",
        "4.2e1 | WRONG_TYPE",
        "'42' | WRONG_TYPE",
        "true | WRONG_TYPE",
        "[42] | WRONG_TYPE"
      })
  void rejectsAnInvalidSeq(String seq, PayloadRejection reason) {
    assertRejected(
        reason, parse("{'ts':'2026-11-28T10:00:00Z','seq':" + seq + ",'ups.status':'OL'}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "'yesterday' | INVALID_VALUE",
        "'2026-11-28' | INVALID_VALUE",
        "'2026-11-28T10:00:00' | INVALID_VALUE",
        "'2026-11-28 10:00:00Z' | INVALID_VALUE",
        "'2026-02-30T10:00:00Z' | INVALID_VALUE",
        "'' | INVALID_VALUE",
        "'+10000-01-01T00:00:00Z' | OUT_OF_RANGE",
        "'-0001-01-01T00:00:00Z' | OUT_OF_RANGE",
        "1764324000 | WRONG_TYPE",
        "{} | WRONG_TYPE"
      })
  void rejectsAnInvalidTs(String ts, PayloadRejection reason) {
    assertRejected(reason, parse("{'ts':" + ts + ",'seq':1,'ups.status':'OL'}"));
  }

  // --- ups.status flags

  @Test
  void toleratesPaddingAndRepeatsInStatus() {
    Telemetry t =
        accepted(
            parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'  OB  DISCHRG LB OB '}"));
    assertEquals(Set.of(StatusFlag.OB, StatusFlag.DISCHRG, StatusFlag.LB), t.status());
  }

  @Test
  void acceptsEveryKnownStatusFlag() {
    String all = String.join(" ", Arrays.stream(StatusFlag.values()).map(Enum::name).toList());
    Telemetry t =
        accepted(parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'" + all + "'}"));
    assertEquals(Set.of(StatusFlag.values()), t.status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "OL FOO",
        "ol",
        "OL chrg",
        "OL,CHRG",
        "OL\\tCHRG",
        "OL\\u00a0CHRG",
        "ONLINE"
      })
  void rejectsAStatusWithoutFlagsOrWithUnknownTokens(String status) {
    assertRejected(
        PayloadRejection.INVALID_VALUE,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'" + status + "'}"));
  }

  @Test
  void acceptsSixteenStatusTokensButNotSeventeen() {
    String sixteen = "OL CHRG ".repeat(8).strip();
    accepted(parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'" + sixteen + "'}"));
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'" + sixteen + " OL'}"));
  }

  // --- enums, formats

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'input.sensitivity':'ultra'",
        "'input.sensitivity':'HIGH'",
        "'ups.test.result':'ok'",
        "'outlet.group.0.status':'1'",
        "'battery.date':'2026-13-01'",
        "'battery.date':'01/03/2024'",
        "'ups.serial':'as1036123456'",
        "'ups.model':''",
        "'input.transfer.reason':'High Input'"
      })
  void rejectsStringVariablesOutsideTheirVocabularyOrFormat(String field) {
    assertRejected(PayloadRejection.INVALID_VALUE, parse(HEAD + "," + field + "}"));
  }

  // --- duplicates, structure, trailing garbage

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL','ups.load':10,'ups.load':90}",
        "{'ts':'2026-11-28T10:00:00Z','ts':'2026-11-28T10:00:01Z','seq':42,'ups.status':'OL'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL','ups.status':'OB'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL','x':1,'x':1}"
      })
  void rejectsDuplicateKeys(String payload) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(payload));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        " x", "}", "]", ",", " {}", "{'a':1}", "[]", " 1", " null", "//c", "/*c*/", "\0", "\\u0000"
      })
  void rejectsTrailingGarbage(String trailer) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(HEAD + "}" + trailer));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{}]", "42", "'OL'", "null", "true"})
  void rejectsARootThatIsNotAnObject(String payload) {
    assertRejected(PayloadRejection.NOT_AN_OBJECT, parse(payload));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL'",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL',}",
        "{'ts':'2026-11-28T10:00:00Z' 'seq':42}",
        "{ts:'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL'}",
        "{/*c*/'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL\nCHRG'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':42,'ups.status':'OL\\x'}",
        "{'ts'}"
      })
  void rejectsMalformedJson(String payload) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(payload));
  }

  /**
   * Plain ASCII is parsed from the bytes and anything else from strictly decoded chars: both name
   * where the JSON broke, in characters.
   */
  @Test
  void namesWhereTheJsonBrokeWhetherThePayloadIsAsciiOrNot() {
    String ascii =
        assertRejected(PayloadRejection.MALFORMED_JSON, parse("{'ups.load':12,}")).detail();
    String accented =
        assertRejected(PayloadRejection.MALFORMED_JSON, parse("{'ups.mfr':'é',}")).detail();
    assertTrue(ascii.contains("at char 15"), ascii);
    assertTrue(accented.contains("at char 15"), accented);
  }

  @Test
  void rejectsSingleQuotedJson() {
    byte[] singleQuoted = (HEAD + "}").getBytes(StandardCharsets.UTF_8);
    assertRejected(PayloadRejection.MALFORMED_JSON, parser.parse(singleQuoted, RECEIVED));
  }

  // --- limits: nesting, huge strings, many keys

  @Test
  void rejectsTenThousandNestedArraysAtTheRootWithoutStackOverflow() {
    byte[] nested = ascii("[".repeat(10_000) + "]".repeat(10_000));
    assertRejected(PayloadRejection.NOT_AN_OBJECT, roomy.parse(nested, RECEIVED));
  }

  @Test
  void rejectsTenThousandNestedObjectsWithoutStackOverflow() {
    String nested = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    assertRejected(PayloadRejection.WRONG_TYPE, roomy.parse(ascii(nested), RECEIVED));
  }

  @Test
  void rejectsTenThousandNestedArraysAsAValueWithoutStackOverflow() {
    String nested = HEAD + ",'vendor.blob':" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    assertRejected(PayloadRejection.WRONG_TYPE, roomy.parse(json(nested), RECEIVED));
    String unclosed = HEAD + ",'ups.load':" + "[".repeat(10_000);
    assertRejected(PayloadRejection.WRONG_TYPE, roomy.parse(json(unclosed), RECEIVED));
  }

  @Test
  void rejectsAMegabyteStringBySizeBeforeParsing() {
    byte[] payload = json(HEAD + ",'ups.model':'" + "A".repeat(1_000_000) + "'}");
    Rejected r = assertRejected(PayloadRejection.TOO_LARGE, parser.parse(payload, RECEIVED));
    assertTrue(r.detail().contains("16384"), r.detail());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ups.model", "ups.firmware", "vendor.blob"})
  void rejectsAMegabyteStringByTheParserLimitWhenTheSizeAllowsIt(String key) {
    byte[] payload = json(HEAD + ",'" + key + "':'" + "A".repeat(1_000_000) + "'}");
    assertRejected(PayloadRejection.LIMIT_EXCEEDED, roomy.parse(payload, RECEIVED));
  }

  @Test
  void rejectsAMegabyteKey() {
    byte[] payload = json(HEAD + ",'" + "k".repeat(1_000_000) + "':1}");
    assertRejected(PayloadRejection.LIMIT_EXCEEDED, roomy.parse(payload, RECEIVED));
  }

  @Test
  void rejectsTenThousandUnknownFields() {
    StringBuilder sb = new StringBuilder(HEAD);
    for (int i = 0; i < 10_000; i++) sb.append(",'vendor.f").append(i).append("':").append(i);
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED, roomy.parse(json(sb.append('}').toString()), RECEIVED));
  }

  @Test
  void ignoresAndCountsUpToSixtyFourUnknownScalarKeys() {
    StringBuilder sb = new StringBuilder(HEAD);
    for (int i = 0; i < PayloadReader.MAX_UNKNOWN_KEYS; i++) {
      Object value =
          switch (i % 4) {
            case 0 -> i;
            case 1 -> "'text'";
            case 2 -> "true";
            default -> "null";
          };
      sb.append(",'vendor.f").append(i).append("':").append(value);
    }
    ParseResult<Telemetry> ok = parse(sb + "}");
    int ignored = assertInstanceOf(ParseResult.Accepted.class, ok).ignoredKeys();
    assertEquals(PayloadReader.MAX_UNKNOWN_KEYS, ignored);
    assertTrue(accepted(ok).measurements().isEmpty());
    assertRejected(PayloadRejection.LIMIT_EXCEEDED, parse(sb + ",'one.more':1}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[1,2]", "{}", "{'a':1}"})
  void rejectsAnObjectOrArrayAsTheValueOfAnUnknownKey(String value) {
    assertRejected(PayloadRejection.WRONG_TYPE, parse(HEAD + ",'vendor.x':" + value + "}"));
  }

  // --- encoding and emptiness

  @Test
  void rejectsAnEmptyPayload() {
    assertRejected(PayloadRejection.EMPTY, parser.parse(new byte[0], RECEIVED));
  }

  @Test
  void rejectsAWhitespaceOnlyPayloadAsEmpty() {
    assertRejected(PayloadRejection.EMPTY, parser.parse(ascii(" \n\t "), RECEIVED));
  }

  @Test
  void rejectsAUtf8ByteOrderMark() {
    byte[] body = json(HEAD + "}");
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    assertRejected(PayloadRejection.INVALID_ENCODING, parser.parse(withBom, RECEIVED));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "80", // lone continuation byte
        "c0af", // overlong '/'
        "e08080", // overlong NUL
        "e282", // truncated sequence
        "eda080", // UTF-16 surrogate encoded as UTF-8 (CESU-8)
        "f4908080", // above U+10FFFF
        "ff",
        "fe"
      })
  void rejectsInvalidUtf8(String hex) {
    assertRejected(
        PayloadRejection.INVALID_ENCODING,
        parser.parse(
            concat(json(HEAD + ",'ups.model':'SMT"), HexFormat.of().parseHex(hex), json("'}")),
            RECEIVED));
  }

  @Test
  void rejectsInvalidUtf8OutsideStrings() {
    assertRejected(
        PayloadRejection.INVALID_ENCODING,
        parser.parse(concat(json(HEAD + "}"), HexFormat.of().parseHex("c3")), RECEIVED));
  }

  @Test
  void rejectsUtf16InsteadOfSniffingIt() {
    assertRejected(
        PayloadRejection.MALFORMED_JSON,
        parser.parse(json(HEAD + "}", StandardCharsets.UTF_16LE), RECEIVED));
    // With its byte order mark, UTF-16 is not even UTF-8.
    assertRejected(
        PayloadRejection.INVALID_ENCODING,
        parser.parse(json(HEAD + "}", StandardCharsets.UTF_16), RECEIVED));
  }

  @Test
  void acceptsMultiByteUtf8InUnknownValues() {
    accepted(parse(HEAD + ",'vendor.note':'Salle serveur €, 机房, 🔋'}"));
  }

  // --- clock

  @Test
  void acceptsADeviceClockDaysAheadAndFlagsIt() {
    Telemetry t = accepted(parse("{'ts':'2026-12-03T10:00:00Z','seq':1,'ups.status':'OL'}"));
    assertTrue(t.clockSkewed());
    assertEquals(RECEIVED, t.receivedAt());
    assertEquals(Instant.parse("2026-12-03T10:00:00Z"), t.deviceTime());
  }

  @Test
  void acceptsADeviceClockIn1970AndFlagsIt() {
    Telemetry t = accepted(parse("{'ts':'1970-01-01T00:00:07Z','seq':1,'ups.status':'OL'}"));
    assertTrue(t.clockSkewed());
    assertEquals(RECEIVED, t.receivedAt());
  }

  @Test
  void doesNotFlagAClockWithinTheAllowedSkew() {
    Instant exactlyAtLimit = RECEIVED.minus(SKEW);
    Telemetry t = accepted(parse("{'ts':'" + exactlyAtLimit + "','seq':1,'ups.status':'OL'}"));
    assertFalse(t.clockSkewed());
    Telemetry justBeyond =
        accepted(parse("{'ts':'" + exactlyAtLimit.minusMillis(1) + "','seq':1,'ups.status':'OL'}"));
    assertTrue(justBeyond.clockSkewed());
  }

  // --- safe details and labels

  @Test
  void rejectionDetailsQuoteOnlyAShortSanitisedExcerpt() {
    String hostile = "X".repeat(900) + "\\u001b[31m";
    Rejected r =
        assertRejected(
            PayloadRejection.INVALID_VALUE,
            parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'ups.status':'" + hostile + "'}"));
    assertTrue(r.detail().length() < 120, r.detail());
    assertFalse(r.detail().contains("X".repeat(65)), r.detail());
    assertFalse(r.detail().chars().anyMatch(c -> c < 0x20 || c >= 0x7F), r.detail());
  }

  @Test
  void everyRejectionHasAUniqueSnakeCaseMetricLabel() {
    Set<String> labels = new HashSet<>();
    for (PayloadRejection reason : PayloadRejection.values()) {
      assertTrue(reason.metricLabel().matches("[a-z]+(_[a-z]+)*"), reason.metricLabel());
      assertTrue(labels.add(reason.metricLabel()), reason.metricLabel());
    }
  }

  // --- helpers

  private ParseResult<Telemetry> parse(String singleQuoted) {
    return parser.parse(json(singleQuoted), RECEIVED);
  }

  private record Rejected(PayloadRejection reason, String detail) {}

  /** Single quotes stand for double quotes, to keep the payloads readable. */
  private static byte[] json(String singleQuoted) {
    return json(singleQuoted, StandardCharsets.UTF_8);
  }

  private static byte[] json(String singleQuoted, Charset charset) {
    return singleQuoted.replace('\'', '"').getBytes(charset);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) out.writeBytes(part);
    return out.toByteArray();
  }

  private static Telemetry accepted(ParseResult<Telemetry> result) {
    if (result instanceof ParseResult.Rejected<Telemetry> r) {
      throw new AssertionError("expected Accepted, got " + r.reason() + ": " + r.detail());
    }
    return ((ParseResult.Accepted<Telemetry>) result).value();
  }

  private static Rejected assertRejected(PayloadRejection expected, ParseResult<?> result) {
    if (result instanceof ParseResult.Accepted<?> a) {
      throw new AssertionError("expected " + expected + ", got Accepted " + a.value());
    }
    ParseResult.Rejected<?> r = (ParseResult.Rejected<?>) result;
    assertEquals(expected, r.reason(), r.detail());
    assertFalse(r.detail().isBlank());
    assertTrue(r.detail().length() <= 200, r.detail());
    return new Rejected(r.reason(), r.detail());
  }
}
