package io.upsfleet.gateway.mqtt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.EventType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns the payload of {@code ups/{serial}/events} into a {@link DeviceEventReport}, or refuses all
 * of it. The payload is one flat JSON object, for example {@code
 * {"ts":"2026-11-28T10:00:00Z","seq":7,"type":"SELF_TEST_FAILED","details":{"code":"E12","retries":2}}}.
 *
 * <ul>
 *   <li>{@code ts}, {@code seq} and {@code type} are required; a null counts as missing.
 *   <li>{@code type} is an exact {@link EventType} name ({@link PayloadRejection#INVALID_VALUE}
 *       otherwise) that is {@link EventType#reportable() reportable} ({@link
 *       PayloadRejection#NOT_REPORTABLE} otherwise).
 *   <li>{@code details} is optional; when present it is a flat object of at most {@value
 *       #MAX_DETAILS} entries with keys {@code [A-Za-z0-9_.-]{1,64}} and string (at most {@value
 *       #MAX_DETAIL_VALUE_LENGTH} chars, no control characters), number or boolean values, kept as
 *       strings (numbers as written on the wire). A null {@code details} is a wrong type.
 *   <li>Encoding, syntax, limits, unknown keys and clock skew as in {@link PayloadReader}.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class DeviceEventParser {

  /** Most entries in {@code details}. */
  static final int MAX_DETAILS = 32;

  /** Longest string value in {@code details}, in chars. */
  static final int MAX_DETAIL_VALUE_LENGTH = 512;

  private static final Pattern DETAIL_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final PayloadReader reader;

  /**
   * @param maxPayloadBytes largest accepted payload, in bytes
   * @param maxClockSkew the device clock distance beyond which a report is flagged {@code
   *     clockSkewed}
   */
  DeviceEventParser(int maxPayloadBytes, Duration maxClockSkew) {
    this.reader = new PayloadReader(maxPayloadBytes, maxClockSkew);
  }

  /**
   * Parses one payload; never throws for any content.
   *
   * @param payload the PUBLISH payload bytes, never null
   * @param receivedAt the server receive time, never null
   */
  ParseResult<DeviceEventReport> parse(byte[] payload, Instant receivedAt) {
    return reader.read(payload, receivedAt, new Report());
  }

  /** Collects the fields of one event payload. */
  private static final class Report implements PayloadReader.Body<DeviceEventReport> {
    private EventType type;
    private final SortedMap<String, String> details = new TreeMap<>();

    @Override
    public boolean field(String name, JsonParser parser) throws IOException, PayloadReader.Reject {
      switch (name) {
        case "type" -> type = eventType(PayloadReader.string(parser, name, true));
        case "details" -> readDetails(parser);
        default -> {
          return false;
        }
      }
      return true;
    }

    @Override
    public DeviceEventReport finish(PayloadReader.Envelope envelope) throws PayloadReader.Reject {
      if (type == null) throw PayloadReader.missing("type");
      return new DeviceEventReport(
          envelope.deviceTime(),
          envelope.receivedAt(),
          envelope.seq(),
          type,
          details,
          envelope.clockSkewed());
    }

    private void readDetails(JsonParser parser) throws IOException, PayloadReader.Reject {
      JsonToken token = parser.currentToken();
      if (token != JsonToken.START_OBJECT)
        throw PayloadReader.wrongType(token, "details", "an object", false);
      for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
        // Duplicate keys never get here (the parser refuses them), so the map size counts entries.
        if (details.size() >= MAX_DETAILS) {
          throw new PayloadReader.Reject(
              PayloadRejection.LIMIT_EXCEEDED, "details has more than " + MAX_DETAILS + " entries");
        }
        if (!DETAIL_KEY.matcher(key).matches()) {
          throw new PayloadReader.Reject(
              PayloadRejection.INVALID_VALUE,
              "details key " + PayloadReader.excerpt(key) + " must match " + DETAIL_KEY.pattern());
        }
        parser.nextToken();
        details.put(key, detailValue(parser, "details." + key));
      }
    }
  }

  private static EventType eventType(String name) throws PayloadReader.Reject {
    EventType type =
        EventType.fromName(name)
            .orElseThrow(
                () ->
                    new PayloadReader.Reject(
                        PayloadRejection.INVALID_VALUE,
                        "type " + PayloadReader.excerpt(name) + " is not an event type"));
    if (!type.reportable()) {
      throw new PayloadReader.Reject(
          PayloadRejection.NOT_REPORTABLE,
          "type " + type + " is derived by the gateway, not reported");
    }
    return type;
  }

  private static String detailValue(JsonParser parser, String name)
      throws IOException, PayloadReader.Reject {
    JsonToken token = parser.currentToken();
    switch (token) {
      case VALUE_STRING:
        return detailText(parser.getText(), name);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        // The literal as sent (already a valid, bounded JSON number): no rounding through double.
        return parser.getText();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return Boolean.toString(token == JsonToken.VALUE_TRUE);
      default:
        throw PayloadReader.wrongType(token, name, "a string, number or boolean", false);
    }
  }

  private static String detailText(String value, String name) throws PayloadReader.Reject {
    if (value.length() > MAX_DETAIL_VALUE_LENGTH) {
      throw new PayloadReader.Reject(
          PayloadRejection.LIMIT_EXCEEDED,
          name + " is longer than " + MAX_DETAIL_VALUE_LENGTH + " chars");
    }
    // Details end up in logs, e-mails and chat messages: no control characters (log injection) and
    // no
    // lone surrogates (they cannot be stored as UTF-8).
    boolean clean = value.codePoints().noneMatch(DeviceEventParser::unsafeInText);
    if (!clean) {
      throw new PayloadReader.Reject(
          PayloadRejection.INVALID_VALUE, name + " contains control characters or lone surrogates");
    }
    return value;
  }

  // codePoints() yields a lone surrogate as itself and a valid pair as one supplementary code
  // point.
  private static boolean unsafeInText(int codePoint) {
    return Character.isISOControl(codePoint)
        || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
  }
}
