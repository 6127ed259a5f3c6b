package io.upsfleet.gateway.http;

import java.util.List;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests too malformed to reach the routes (a URI over {@code max-uri-length}, bad
 * percent-encoding in the path, an illegal header) answered as problem+json like every other error,
 * instead of Pekko's plain-text default. Named by {@code pekko.http.server.parsing.error-handler}
 * in the gateway's reference.conf; Pekko instantiates it with its no-argument constructor.
 */
public final class ParsingProblems extends ParsingErrorHandler {
  /** Longest detail echoed back: the summary may quote part of the request. */
  private static final int MAX_DETAIL = 200;

  public ParsingProblems() {}

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String detail = info.summary().isEmpty() ? status.reason() : info.summary();
    if (detail.length() > MAX_DETAIL) detail = detail.substring(0, MAX_DETAIL) + "…";
    log.debug("refused a malformed request ({}): {}", status.intValue(), info.formatPretty());
    return Problems.problem(status.intValue(), status.reason(), detail, null, List.of());
  }
}
