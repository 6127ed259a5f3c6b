package io.upsfleet.gateway.mqtt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.upsfleet.cluster.operation.CommandReport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses a device's report on a command ({@code ups/{serial}/commands/result}): {@code
 * {"ts","seq","id","status":"ACCEPTED|IN_PROGRESS|SUCCEEDED|FAILED|REJECTED",
 * "progress":{"phase":"downloading","percent":40},"reason":"…","result":"passed"}}; {@code ts},
 * {@code seq}, {@code id} and {@code status} are required. Same strictness as every device payload.
 * Thread-safe.
 */
final class CommandResultParser {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z _-]{0,31}");
  private static final int MAX_REASON = 256;
  private final PayloadReader reader;

  CommandResultParser(int maxPayloadBytes, Duration maxClockSkew) {
    this.reader = new PayloadReader(maxPayloadBytes, maxClockSkew);
  }

  ParseResult<CommandReport> parse(byte[] payload, Instant receivedAt) {
    return reader.read(payload, receivedAt, new Body());
  }

  private static final class Body implements PayloadReader.Body<CommandReport> {
    private String id;
    private CommandReport.Status status;
    private String phase;
    private int percent = -1;
    private String reason;
    private String result;

    @Override
    public boolean field(String name, JsonParser parser) throws IOException, PayloadReader.Reject {
      switch (name) {
        case "id" -> id = matching(PayloadReader.string(parser, name, true), ID, name);
        case "status" -> status = status(PayloadReader.string(parser, name, true));
        case "reason" -> reason = bounded(PayloadReader.string(parser, name, false), name);
        case "result" ->
            result =
                matching(PayloadReader.string(parser, name, false), WORD, name)
                    .toLowerCase(Locale.ROOT);
        case "progress" -> progress(parser);
        default -> {
          return false;
        }
      }
      return true;
    }

    private void progress(JsonParser parser) throws IOException, PayloadReader.Reject {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw PayloadReader.wrongType(parser.currentToken(), "progress", "an object", false);
      }
      for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
        parser.nextToken();
        switch (key) {
          case "phase" ->
              phase =
                  matching(
                          PayloadReader.string(parser, "progress.phase", true),
                          WORD,
                          "progress.phase")
                      .toLowerCase(Locale.ROOT);
          case "percent" -> {
            double p = PayloadReader.number(parser, "progress.percent");
            if (p < 0 || p > 100 || p != Math.rint(p)) {
              throw new PayloadReader.Reject(
                  PayloadRejection.OUT_OF_RANGE, "progress.percent must be an integer 0..100");
            }
            percent = (int) p;
          }
          default ->
              throw new PayloadReader.Reject(
                  PayloadRejection.INVALID_VALUE,
                  "progress has only phase and percent, not " + PayloadReader.excerpt(key));
        }
      }
    }

    @Override
    public CommandReport finish(PayloadReader.Envelope envelope) throws PayloadReader.Reject {
      if (id == null) throw PayloadReader.missing("id");
      if (status == null) throw PayloadReader.missing("status");
      return new CommandReport(
          id, status, phase, percent, reason, result, envelope.deviceTime(), envelope.receivedAt());
    }

    private static CommandReport.Status status(String raw) throws PayloadReader.Reject {
      try {
        return CommandReport.Status.valueOf(raw);
      } catch (IllegalArgumentException e) {
        throw new PayloadReader.Reject(
            PayloadRejection.INVALID_VALUE,
            "status must be one of ACCEPTED, IN_PROGRESS, SUCCEEDED, FAILED, REJECTED");
      }
    }

    private static String matching(String value, Pattern p, String name)
        throws PayloadReader.Reject {
      if (value == null) return null;
      if (!p.matcher(value).matches()) {
        throw new PayloadReader.Reject(
            PayloadRejection.INVALID_VALUE, name + " has an invalid format");
      }
      return value;
    }

    private static String bounded(String value, String name) throws PayloadReader.Reject {
      if (value == null) return null;
      if (value.length() > MAX_REASON || value.chars().anyMatch(Character::isISOControl)) {
        throw new PayloadReader.Reject(
            PayloadRejection.INVALID_VALUE,
            name + " must be at most " + MAX_REASON + " printable characters");
      }
      return value;
    }
  }
}
