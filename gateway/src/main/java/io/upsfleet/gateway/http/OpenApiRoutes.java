package io.upsfleet.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.json}, without authentication: the OpenAPI 3.1 contract of {@code
 * /api/v1}, written by hand in {@code openapi.yaml} beside this class and served as JSON. Tests
 * keep it true (every route in it, every IT response fitting it).
 */
final class OpenApiRoutes extends AllDirectives {
  /** Where the document is, on the class path. */
  static final String RESOURCE = "/io/upsfleet/gateway/http/openapi.yaml";

  private static final byte[] JSON = load();

  Route routes() {
    return pathEnd(
        () -> get(() -> complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON))));
  }

  /** The document as a tree (read from the YAML resource); fails fast when it is missing or bad. */
  static JsonNode document() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing class-path resource " + RESOURCE);
      return new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static byte[] load() {
    try {
      return Json.MAPPER.writeValueAsBytes(document());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render " + RESOURCE + " as JSON", e);
    }
  }
}
