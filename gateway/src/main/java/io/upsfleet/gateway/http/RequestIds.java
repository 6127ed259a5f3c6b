package io.upsfleet.gateway.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;

/**
 * Every request gets an id: the caller's {@code X-Request-Id} when it is short and plain (at most
 * 64 of {@code A-Z a-z 0-9 . _ -}), else a new random one. The id is echoed in the response and
 * logged with every warning or error of the request, so a user's report ("request 3f2a… failed")
 * finds its log line. Responses also carry {@code X-Content-Type-Options: nosniff}.
 */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  private static final int MAX_LENGTH = 64;
  private static final HttpHeader NOSNIFF = RawHeader.create("X-Content-Type-Options", "nosniff");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  /** Wraps a request handler: tags the request with its id and the response with id and nosniff. */
  static Function<HttpRequest, CompletionStage<HttpResponse>> tagging(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    return request -> {
      Optional<HttpHeader> given = request.getHeader(HEADER);
      String id;
      HttpRequest tagged;
      if (given.isPresent() && valid(given.get().value())) {
        id = given.get().value();
        tagged = request;
      } else {
        id = newId();
        tagged = request.removeHeader(HEADER).addHeader(RawHeader.create(HEADER, id));
      }
      HttpHeader echo = RawHeader.create(HEADER, id);
      return handler.apply(tagged).thenApply(r -> r.addHeader(echo).addHeader(NOSNIFF));
    };
  }

  /** The id {@link #tagging} gave this request ({@code "-"} outside a tagged handler). */
  static String of(HttpRequest request) {
    return request.getHeader(HEADER).map(HttpHeader::value).orElse("-");
  }

  static boolean valid(String id) {
    if (id.isEmpty() || id.length() > MAX_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  private static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
