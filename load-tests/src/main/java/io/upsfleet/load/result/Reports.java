package io.upsfleet.load.result;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes JSON reports. Reading is strict: a key no record knows is an error, so a report
 * never loses a figure silently.
 */
public final class Reports {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Reports() {}

  public static ReportDocument read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), ReportDocument.class);
  }

  public static void write(ReportDocument doc, Path file) throws IOException {
    JSON.writeValue(file.toFile(), doc);
  }

  /**
   * The document as the JSON tree of maps and lists it is written as (the HTML report reads it).
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> tree(Object value) {
    return JSON.convertValue(value, Map.class);
  }
}
