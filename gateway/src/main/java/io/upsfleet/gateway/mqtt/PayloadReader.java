package io.upsfleet.gateway.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The strict reading every device payload gets, shared by {@link TelemetryParser} and {@link
 * DeviceEventParser}: a size limit before anything else, strict UTF-8 without a byte order mark,
 * one flat JSON object and nothing after it, no duplicate keys, no NaN or Infinity, bounded
 * nesting, key count and string and number lengths, and the envelope fields {@code ts} (ISO-8601
 * instant) and {@code seq} (non-negative integer) that every payload carries. A {@link Body} reads
 * the remaining, payload-specific fields.
 *
 * <p>Unknown top-level keys are tolerated and counted (at most {@value #MAX_UNKNOWN_KEYS}) so that
 * newer firmware can add fields, but their values must be scalars: an object or array value is
 * {@link PayloadRejection#WRONG_TYPE}. Every failure becomes a {@link ParseResult.Rejected};
 * nothing throws for any input. Thread-safe: the {@link JsonFactory} is immutable and each call has
 * its own decoder and parser.
 */
final class PayloadReader {

  /** At most this many keys in the root object, known or not. */
  static final int MAX_KEYS = 128;

  /** At most this many root keys that the payload's {@link Body} does not know. */
  static final int MAX_UNKNOWN_KEYS = 64;

  /** Longest string value, in chars. */
  static final int MAX_STRING_LENGTH = 1024;

  /**
   * Longest number literal, in chars: room for any double Java prints, nothing like a 1 MB integer.
   */
  static final int MAX_NUMBER_LENGTH = 32;

  // The deepest legal payload is an event: root object, then its flat "details" object. Readers
  // refuse
  // any nested value as WRONG_TYPE as soon as they meet it; this depth is the parser's own
  // backstop.
  private static final int MAX_NESTING_DEPTH = 3;
  private static final int MAX_NAME_LENGTH = 256;
  private static final int MAX_TOKENS = 1024;

  // How much of a hostile input a rejection detail may quote.
  private static final int EXCERPT_LENGTH = 48;

  // Four-digit years only: every store and formatter downstream handles them, and a device clock
  // that is
  // merely wrong (1970, days ahead) still fits; the server receive time is the authority anyway.
  private static final Instant MIN_TS = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX_TS = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** The fields every device payload carries, with the server's view of them. */
  record Envelope(Instant deviceTime, long seq, Instant receivedAt, boolean clockSkewed) {}

  /**
   * The payload-specific part of one payload. A new instance reads each payload, so it may
   * accumulate state; it is called on one thread.
   */
  interface Body<T> {
    /**
     * Reads the value of root key {@code name}; the parser is positioned on the value's first
     * token. A known key's value must be consumed whole (an object up to its END_OBJECT).
     *
     * @return false when the key is unknown; the value is then left untouched for the reader to vet
     */
    boolean field(String name, JsonParser parser) throws IOException, Reject;

    /** Builds the value once the whole object was read and the envelope is valid. */
    T finish(Envelope envelope) throws Reject;
  }

  /** Refuses the payload: thrown by readers, turned into {@link ParseResult.Rejected} here. */
  static final class Reject extends Exception {
    private final PayloadRejection reason;

    Reject(PayloadRejection reason, String detail) {
      // No stack trace: a rejection is an expected outcome for hostile input and must stay cheap.
      super(detail, null, false, false);
      this.reason = reason;
    }

    PayloadRejection reason() {
      return reason;
    }
  }

  private final int maxPayloadBytes;
  private final Duration maxClockSkew;
  private final JsonFactory json;

  /**
   * @param maxPayloadBytes largest accepted payload, in bytes, checked before decoding; positive
   * @param maxClockSkew beyond this distance between {@code ts} and the receive time a value is
   *     flagged {@code clockSkewed} (still accepted); not negative
   */
  PayloadReader(int maxPayloadBytes, Duration maxClockSkew) {
    if (maxPayloadBytes <= 0)
      throw new IllegalArgumentException("maxPayloadBytes must be positive");
    if (maxClockSkew == null || maxClockSkew.isNegative()) {
      throw new IllegalArgumentException("maxClockSkew must be zero or positive");
    }
    this.maxPayloadBytes = maxPayloadBytes;
    this.maxClockSkew = maxClockSkew;
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .maxTokenCount(MAX_TOKENS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Parser messages end up in rejection details: they must not carry the payload.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Key names are attacker-chosen: keep them out of the symbol table shared by all
            // parsers.
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();
  }

  /**
   * Reads one payload.
   *
   * @param payload the raw bytes, never null (an empty array is {@link PayloadRejection#EMPTY})
   * @param receivedAt the server receive time, never null
   * @param body a fresh body for this payload
   */
  <T> ParseResult<T> read(byte[] payload, Instant receivedAt, Body<T> body) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(receivedAt, "receivedAt");
    if (payload.length == 0)
      return new ParseResult.Rejected<>(PayloadRejection.EMPTY, "payload is empty");
    if (payload.length > maxPayloadBytes) {
      return new ParseResult.Rejected<>(
          PayloadRejection.TOO_LARGE, "payload exceeds " + maxPayloadBytes + " bytes");
    }
    try {
      try (JsonParser parser = parser(payload)) {
        return readRoot(parser, receivedAt, body);
      }
    } catch (Reject r) {
      return new ParseResult.Rejected<>(r.reason(), r.getMessage());
    } catch (StreamConstraintsException e) {
      return new ParseResult.Rejected<>(
          PayloadRejection.LIMIT_EXCEEDED, "parser limit: " + excerpt(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at char " + offset(e.getLocation());
      return new ParseResult.Rejected<>(
          PayloadRejection.MALFORMED_JSON,
          "malformed JSON" + where + ": " + excerpt(e.getOriginalMessage()));
    } catch (IOException e) {
      // Reading from memory has no I/O of its own; anything else the parser reports is bad input.
      return new ParseResult.Rejected<>(PayloadRejection.MALFORMED_JSON, "unreadable JSON");
    }
  }

  /**
   * A parser over the payload. Jackson sniffs the encoding of bytes (UTF-16 or UTF-32 from NUL
   * patterns, a byte order mark) and lets some invalid UTF-8 through, so it reads bytes only when
   * they are plain ASCII without NUL, where every encoding it could detect is UTF-8 and no sequence
   * can be malformed (nearly every telemetry payload: no copy); anything else is decoded strictly
   * first and handed over as chars.
   */
  private JsonParser parser(byte[] payload) throws IOException, Reject {
    if (plainAscii(payload)) return json.createParser(payload);
    CharBuffer chars = decodeStrictUtf8(payload);
    return json.createParser(
        chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
  }

  /** Where the parser stopped; a byte parser (plain ASCII) counts bytes, and a byte is a char. */
  private static long offset(JsonLocation location) {
    long chars = location.getCharOffset();
    return chars >= 0 ? chars : location.getByteOffset();
  }

  private static boolean plainAscii(byte[] payload) {
    for (byte b : payload) {
      if (b <= 0) return false; // NUL, or a byte of a multi-byte sequence (0x80..0xFF)
    }
    return true;
  }

  private static CharBuffer decodeStrictUtf8(byte[] payload) throws Reject {
    CharBuffer chars;
    try {
      chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload));
    } catch (CharacterCodingException e) {
      throw new Reject(PayloadRejection.INVALID_ENCODING, "payload is not valid UTF-8");
    }
    // The JDK decoder keeps a leading BOM as U+FEFF; JSON over MQTT must not carry one (RFC 8259
    // §8.1).
    if (chars.length() > 0 && chars.charAt(0) == '\uFEFF') {
      throw new Reject(PayloadRejection.INVALID_ENCODING, "payload starts with a byte order mark");
    }
    return chars;
  }

  private <T> ParseResult<T> readRoot(JsonParser parser, Instant receivedAt, Body<T> body)
      throws IOException, Reject {
    JsonToken first = parser.nextToken();
    if (first == null) throw new Reject(PayloadRejection.EMPTY, "payload holds only whitespace");
    if (first != JsonToken.START_OBJECT) {
      throw new Reject(
          PayloadRejection.NOT_AN_OBJECT, "payload must be a JSON object, not " + describe(first));
    }
    Instant deviceTime = null;
    Long seq = null;
    int keys = 0;
    int unknownKeys = 0;
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      if (++keys > MAX_KEYS)
        throw new Reject(PayloadRejection.LIMIT_EXCEEDED, "more than " + MAX_KEYS + " keys");
      JsonToken value = parser.nextToken();
      if (name.equals("ts")) {
        deviceTime = readTs(parser);
      } else if (name.equals("seq")) {
        seq = readSeq(parser);
      } else if (!body.field(name, parser)) {
        vetIgnoredValue(name, value, parser, ++unknownKeys);
      }
    }
    if (parser.nextToken() != null) {
      throw new Reject(PayloadRejection.MALFORMED_JSON, "content after the JSON object");
    }
    if (deviceTime == null) throw missing("ts");
    if (seq == null) throw missing("seq");
    boolean skewed = Duration.between(receivedAt, deviceTime).abs().compareTo(maxClockSkew) > 0;
    return new ParseResult.Accepted<>(
        body.finish(new Envelope(deviceTime, seq, receivedAt, skewed)), unknownKeys);
  }

  // An unknown key is ignored, but only within bounds: a bounded count, a scalar value, a bounded
  // string.
  private static void vetIgnoredValue(
      String name, JsonToken value, JsonParser parser, int unknownKeys) throws IOException, Reject {
    if (unknownKeys > MAX_UNKNOWN_KEYS) {
      throw new Reject(
          PayloadRejection.LIMIT_EXCEEDED, "more than " + MAX_UNKNOWN_KEYS + " unknown keys");
    }
    if (!value.isScalarValue()) {
      throw new Reject(
          PayloadRejection.WRONG_TYPE,
          "unknown key " + excerpt(name) + " must have a scalar value");
    }
    // Jackson checks its string limit only when it builds a String, which an ignored value never
    // is.
    if (value == JsonToken.VALUE_STRING && parser.getTextLength() > MAX_STRING_LENGTH) {
      throw new Reject(
          PayloadRejection.LIMIT_EXCEEDED,
          "unknown key "
              + excerpt(name)
              + " has a value longer than "
              + MAX_STRING_LENGTH
              + " chars");
    }
  }

  private static Instant readTs(JsonParser parser) throws IOException, Reject {
    String text = string(parser, "ts", true);
    Instant ts;
    try {
      ts = Instants.parse(text);
    } catch (DateTimeException e) {
      throw new Reject(
          PayloadRejection.INVALID_VALUE,
          "ts must be an ISO-8601 instant like 2026-11-28T10:00:00Z");
    }
    if (ts.isBefore(MIN_TS) || ts.isAfter(MAX_TS)) {
      throw new Reject(PayloadRejection.OUT_OF_RANGE, "ts must have a year from 0001 to 9999");
    }
    return ts;
  }

  private static long readSeq(JsonParser parser) throws IOException, Reject {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_INT) throw wrongType(token, "seq", "an integer", true);
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER || parser.getLongValue() < 0) {
      throw new Reject(PayloadRejection.OUT_OF_RANGE, "seq must be from 0 to " + Long.MAX_VALUE);
    }
    return parser.getLongValue();
  }

  /**
   * The string at the parser's current token.
   *
   * @param required whether null means a missing field rather than a wrong type
   */
  static String string(JsonParser parser, String name, boolean required)
      throws IOException, Reject {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_STRING) throw wrongType(token, name, "a string", required);
    return parser.getText();
  }

  /** The number at the parser's current token; JSON numbers only, never a numeric string. */
  static double number(JsonParser parser, String name) throws IOException, Reject {
    JsonToken token = parser.currentToken();
    if (token == null || !token.isNumeric()) throw wrongType(token, name, "a number", false);
    return parser.getDoubleValue();
  }

  /**
   * A {@link PayloadRejection#WRONG_TYPE}, or {@link PayloadRejection#MISSING_FIELD} for a required
   * null.
   */
  static Reject wrongType(JsonToken token, String name, String expected, boolean required) {
    if (required && token == JsonToken.VALUE_NULL) return missing(name);
    return new Reject(
        PayloadRejection.WRONG_TYPE, name + " must be " + expected + ", not " + describe(token));
  }

  static Reject missing(String name) {
    return new Reject(PayloadRejection.MISSING_FIELD, name + " is required");
  }

  /**
   * A quoted excerpt of untrusted text, safe for a log line: at most {@value #EXCERPT_LENGTH}
   * chars, every char outside printable ASCII replaced by {@code ?}.
   */
  static String excerpt(String text) {
    if (text == null) return "\"\"";
    int end = Math.min(text.length(), EXCERPT_LENGTH);
    StringBuilder sb = new StringBuilder(end + 5).append('"');
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      sb.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    sb.append('"');
    if (text.length() > end) sb.append("...");
    return sb.toString();
  }

  private static String describe(JsonToken token) {
    if (token == null) return "nothing";
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }
}
