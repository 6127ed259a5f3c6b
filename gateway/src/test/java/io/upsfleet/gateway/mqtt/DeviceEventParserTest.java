package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceEventParserTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:30Z");
  private static final String SIXTY_FIVE_CHARS =
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
  private static final String HEAD =
      "{'ts':'2026-11-28T10:00:00Z','seq':7,'type':'SELF_TEST_FAILED'";

  private final DeviceEventParser parser = new DeviceEventParser(8 * 1024, Duration.ofMinutes(5));
  private final DeviceEventParser roomy =
      new DeviceEventParser(4 * 1024 * 1024, Duration.ofMinutes(5));

  @Test
  void acceptsAReportWithDetails() {
    DeviceEventReport report =
        accepted(
            parser.parse(
                json(
                    HEAD
                        + ",'details':{'code':'E12','battery.voltage':25.91,'retries':2,'aborted':false}}"),
                RECEIVED));
    assertEquals(Instant.parse("2026-11-28T10:00:00Z"), report.deviceTime());
    assertEquals(RECEIVED, report.receivedAt());
    assertEquals(7, report.seq());
    assertEquals(EventType.SELF_TEST_FAILED, report.type());
    assertEquals(
        Map.of("code", "E12", "battery.voltage", "25.91", "retries", "2", "aborted", "false"),
        report.details());
    assertFalse(report.clockSkewed());
  }

  @Test
  void acceptsAReportWithoutDetails() {
    assertTrue(accepted(parse(HEAD + "}")).details().isEmpty());
    assertTrue(accepted(parse(HEAD + ",'details':{}}")).details().isEmpty());
  }

  @Test
  void keepsDetailNumbersAsWritten() {
    DeviceEventReport report =
        accepted(parse(HEAD + ",'details':{'a':1e3,'b':-0.50,'c':12345678901234567890}}"));
    assertEquals(Map.of("a", "1e3", "b", "-0.50", "c", "12345678901234567890"), report.details());
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void acceptsExactlyTheReportableTypes(EventType type) {
    ParseResult<DeviceEventReport> result =
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'type':'" + type.name() + "'}");
    if (type.reportable()) {
      assertEquals(type, accepted(result).type());
    } else {
      assertRejected(PayloadRejection.NOT_REPORTABLE, result);
    }
  }

  @Test
  void rejectsAGatewayDerivedTypeSuchAsOnBattery() {
    assertRejected(
        PayloadRejection.NOT_REPORTABLE,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'type':'ON_BATTERY'}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"self_test_failed", "SELF-TEST-FAILED", "", "REBOOT", " SELF_TEST_FAILED"})
  void rejectsAnUnknownType(String type) {
    assertRejected(
        PayloadRejection.INVALID_VALUE,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'type':'" + type + "'}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "['SELF_TEST_FAILED']", "{}"})
  void rejectsATypeThatIsNotAString(String type) {
    assertRejected(
        PayloadRejection.WRONG_TYPE,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':1,'type':" + type + "}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'seq':1,'type':'SELF_TEST_FAILED'}",
        "{'ts':'2026-11-28T10:00:00Z','type':'SELF_TEST_FAILED'}",
        "{'ts':'2026-11-28T10:00:00Z','seq':1}",
        "{'ts':'2026-11-28T10:00:00Z','seq':1,'type':null}",
        "{'ts':null,'seq':1,'type':'SELF_TEST_FAILED'}"
      })
  void rejectsAMissingOrNullRequiredField(String payload) {
    assertRejected(PayloadRejection.MISSING_FIELD, parse(payload));
  }

  @Test
  void rejectsANegativeSeq() {
    assertRejected(
        PayloadRejection.OUT_OF_RANGE,
        parse("{'ts':'2026-11-28T10:00:00Z','seq':-7,'type':'SELF_TEST_FAILED'}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "'none'", "[]", "1", "true"})
  void rejectsDetailsThatAreNotAnObject(String details) {
    assertRejected(PayloadRejection.WRONG_TYPE, parse(HEAD + ",'details':" + details + "}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "[]", "['a']", "{}", "{'b':1}"})
  void rejectsADetailValueThatIsNotAScalar(String value) {
    assertRejected(PayloadRejection.WRONG_TYPE, parse(HEAD + ",'details':{'a':" + value + "}}"));
  }

  @Test
  void acceptsThirtyTwoDetailsButNotThirtyThree() {
    StringBuilder details = new StringBuilder();
    for (int i = 0; i < DeviceEventParser.MAX_DETAILS; i++) {
      details.append(i == 0 ? "" : ",").append("'k").append(i).append("':").append(i);
    }
    assertEquals(
        DeviceEventParser.MAX_DETAILS,
        accepted(parse(HEAD + ",'details':{" + details + "}}")).details().size());
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED,
        parse(HEAD + ",'details':{" + details + ",'one.more':1}}"));
  }

  @Test
  void rejectsTenThousandDetails() {
    StringBuilder details = new StringBuilder("'k0':0");
    for (int i = 1; i < 10_000; i++) details.append(",'k").append(i).append("':").append(i);
    byte[] payload = json(HEAD + ",'details':{" + details + "}}");
    assertRejected(PayloadRejection.LIMIT_EXCEEDED, roomy.parse(payload, RECEIVED));
  }

  @Test
  void acceptsDetailKeysOfTheAllowedAlphabet() {
    String key = "Aa0_.-" + "k".repeat(58);
    assertEquals("v", accepted(parse(HEAD + ",'details':{'" + key + "':'v'}}")).details().get(key));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "with space", "slash/", "colon:", "üml", "tab\\t", "$where", SIXTY_FIVE_CHARS})
  void rejectsADetailKeyOutsideTheAllowedAlphabet(String key) {
    assertRejected(PayloadRejection.INVALID_VALUE, parse(HEAD + ",'details':{'" + key + "':'v'}}"));
  }

  @Test
  void acceptsADetailStringOf512CharsButNotMore() {
    String max = "é".repeat(DeviceEventParser.MAX_DETAIL_VALUE_LENGTH);
    assertEquals(
        max, accepted(parse(HEAD + ",'details':{'msg':'" + max + "'}}")).details().get("msg"));
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED, parse(HEAD + ",'details':{'msg':'" + max + "x'}}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "line\\nbreak",
        "bell\\u0007",
        "esc\\u001b[31m",
        "nul\\u0000",
        "lone\\ud800",
        "lone\\udc00x"
      })
  void rejectsControlCharactersAndLoneSurrogatesInDetailStrings(String value) {
    assertRejected(
        PayloadRejection.INVALID_VALUE, parse(HEAD + ",'details':{'msg':'" + value + "'}}"));
  }

  @Test
  void acceptsCharactersOutsideTheBasicPlaneInDetailStrings() {
    assertEquals(
        "🔋 low \ud83d\udd0b",
        accepted(parse(HEAD + ",'details':{'msg':'🔋 low \\ud83d\\udd0b'}}")).details().get("msg"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ",'details':{'a':1,'a':2}}",
        ",'details':{},'details':{}}",
        ",'type':'SELF_TEST_PASSED'}",
        ",'seq':8}"
      })
  void rejectsDuplicateKeys(String tail) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(HEAD + tail));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void rejectsNaNAndInfinityInDetails(String token) {
    assertRejected(
        PayloadRejection.MALFORMED_JSON, parse(HEAD + ",'details':{'v':" + token + "}}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {" x", "}", "{}", "\\0"})
  void rejectsTrailingGarbage(String trailer) {
    assertRejected(PayloadRejection.MALFORMED_JSON, parse(HEAD + "}" + trailer));
  }

  @Test
  void rejectsDeepNestingInDetailsWithoutStackOverflow() {
    String deep = HEAD + ",'details':{'a':" + "[".repeat(10_000) + "]".repeat(10_000) + "}}";
    assertRejected(PayloadRejection.WRONG_TYPE, roomy.parse(json(deep), RECEIVED));
    String deepObjects =
        HEAD + ",'details':" + "{'a':".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
    assertRejected(PayloadRejection.WRONG_TYPE, roomy.parse(json(deepObjects), RECEIVED));
  }

  @Test
  void rejectsAnOversizedPayloadBeforeParsing() {
    assertRejected(
        PayloadRejection.TOO_LARGE,
        parse(HEAD + ",'details':{'msg':'" + "x".repeat(1_000_000) + "'}}"));
  }

  @Test
  void rejectsAMegabyteDetailStringByTheParserLimit() {
    assertRejected(
        PayloadRejection.LIMIT_EXCEEDED,
        roomy.parse(json(HEAD + ",'details':{'msg':'" + "x".repeat(1_000_000) + "'}}"), RECEIVED));
  }

  @Test
  void rejectsBadEncodingAndEmptyPayloads() {
    byte[] body = json(HEAD + "}");
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    assertRejected(PayloadRejection.INVALID_ENCODING, parser.parse(withBom, RECEIVED));

    byte[] invalid = Arrays.copyOf(body, body.length);
    invalid[body.length - 3] = (byte) 0xC3; // a lead byte followed by an ASCII quote
    assertRejected(PayloadRejection.INVALID_ENCODING, parser.parse(invalid, RECEIVED));

    assertRejected(PayloadRejection.EMPTY, parser.parse(new byte[0], RECEIVED));
    assertRejected(PayloadRejection.NOT_AN_OBJECT, parse("['SELF_TEST_FAILED']"));
  }

  @Test
  void ignoresAndCountsUnknownScalarKeys() {
    ParseResult<DeviceEventReport> result =
        parse(HEAD + ",'firmware':'UPS 09.2','uptime':12,'severity':null}");
    assertEquals(3, assertInstanceOf(ParseResult.Accepted.class, result).ignoredKeys());
    assertRejected(PayloadRejection.WRONG_TYPE, parse(HEAD + ",'extra':{'a':1}}"));
  }

  @Test
  void acceptsADeviceClockIn1970AndFlagsIt() {
    DeviceEventReport report =
        accepted(parse("{'ts':'1970-01-01T00:00:00Z','seq':1,'type':'SELF_TEST_PASSED'}"));
    assertTrue(report.clockSkewed());
    assertEquals(RECEIVED, report.receivedAt());
  }

  // --- helpers

  private ParseResult<DeviceEventReport> parse(String singleQuoted) {
    return parser.parse(json(singleQuoted), RECEIVED);
  }

  /** Single quotes stand for double quotes, to keep the payloads readable. */
  private static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static DeviceEventReport accepted(ParseResult<DeviceEventReport> result) {
    if (result instanceof ParseResult.Rejected<DeviceEventReport> r) {
      throw new AssertionError("expected Accepted, got " + r.reason() + ": " + r.detail());
    }
    return ((ParseResult.Accepted<DeviceEventReport>) result).value();
  }

  private static void assertRejected(PayloadRejection expected, ParseResult<?> result) {
    if (result instanceof ParseResult.Accepted<?> a) {
      throw new AssertionError("expected " + expected + ", got Accepted " + a.value());
    }
    ParseResult.Rejected<?> r = (ParseResult.Rejected<?>) result;
    assertEquals(expected, r.reason(), r.detail());
    assertFalse(r.detail().isBlank());
  }
}
