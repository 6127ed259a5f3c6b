package io.upsfleet.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.cluster.account.AccountException;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.licensing.LicensingException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one place where outcomes become HTTP statuses: every error leaves as {@code
 * application/problem+json}, without stack traces or SQL text.
 */
final class Problems {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  static final ContentType PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private Problems() {}

  static HttpResponse response(Throwable t) {
    return response(t, "-");
  }

  /** {@link #response(Throwable)}, logging with the request's id ({@link RequestIds}). */
  static HttpResponse response(Throwable t, String requestId) {
    return response(t, requestId, null);
  }

  /**
   * {@link #response(Throwable)}, logging with the request's id and, when known, the caller's
   * account and user name.
   */
  static HttpResponse response(Throwable t, String requestId, Principal caller) {
    Throwable e = unwrap(t);
    if (e instanceof ApiException a) return of(a);
    if (e instanceof AccountException a) {
      return switch (a.reason()) {
        case ACCOUNT_NOT_FOUND, USER_NOT_FOUND -> of(ApiException.notFound(a.getMessage()));
        case LAST_SUPPORT_USER -> of(ApiException.conflict(a.getMessage()));
        case NAME_TAKEN, USERNAME_TAKEN -> of(ApiException.conflict(a.getMessage()));
        case BUSY -> of(ApiException.unavailable(a.getMessage()));
      };
    }
    if (e instanceof LicensingException l) {
      return switch (l.reason()) {
        case NOT_FOUND -> of(ApiException.notFound(l.getMessage()));
        case INVALID -> of(ApiException.badRequest(l.getMessage()));
        case ALREADY_EXISTS, ALREADY_REDEEMED, NOT_REDEEMED, INSUFFICIENT ->
            of(ApiException.conflict(l.getMessage()));
      };
    }
    if (e instanceof TimeoutException
        || e instanceof RejectedExecutionException
        || e instanceof SQLException
        || e.getClass().getName().contains("AskTimeoutException")) {
      withCaller(log.atWarn().addKeyValue("requestId", requestId), caller)
          .log("request failed for want of a dependency: {}", e.toString());
      return of(ApiException.unavailable("the service is temporarily unavailable, retry shortly"));
    }
    withCaller(log.atError().addKeyValue("requestId", requestId), caller)
        .setCause(e)
        .log("unexpected error");
    return problem(500, "Internal Server Error", "an unexpected error occurred", null, List.of());
  }

  static HttpResponse of(ApiException a) {
    List<HttpHeader> headers = new ArrayList<>();
    if (a.status == 401)
      headers.add(RawHeader.create("WWW-Authenticate", "Bearer realm=\"upsfleet\""));
    if (a.retryAfterSeconds != null)
      headers.add(RawHeader.create("Retry-After", a.retryAfterSeconds.toString()));
    return problem(a.status, a.title, a.getMessage(), a.errors, headers);
  }

  static HttpResponse problem(
      int status,
      String title,
      String detail,
      List<Problem.FieldError> errors,
      List<HttpHeader> headers) {
    Problem p = new Problem("about:blank", title, status, detail, errors);
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(p);
    } catch (JsonProcessingException ex) {
      body =
          ("{\"title\":\"" + title + "\",\"status\":" + status + "}")
              .getBytes(StandardCharsets.UTF_8);
    }
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(PROBLEM_JSON, body))
        .addHeaders(headers);
  }

  static ExceptionHandler exceptionHandler() {
    return exceptionHandler(null);
  }

  /**
   * Failures as problems, logged with the request id and the signed-in {@code caller} (or null).
   */
  static ExceptionHandler exceptionHandler(Principal caller) {
    return ExceptionHandler.newBuilder()
        .matchAny(
            t ->
                Directives.extractRequest(
                    request -> Directives.complete(response(t, RequestIds.of(request), caller))))
        .build();
  }

  private static LoggingEventBuilder withCaller(LoggingEventBuilder b, Principal caller) {
    if (caller == null) return b;
    if (caller.accountId() != null) b = b.addKeyValue("account", caller.accountId().toString());
    return b.addKeyValue("user", caller.username());
  }

  /** Pekko's own rejections (404, 405, 413, malformed query…) re-rendered as problems. */
  static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            resp -> {
              if (resp.entity().getContentType().mediaType().equals(PROBLEM_JSON.mediaType()))
                return resp;
              String detail =
                  resp.entity() instanceof HttpEntity.Strict s
                      ? s.getData().utf8String()
                      : resp.status().reason();
              int status = resp.status().intValue();
              List<HttpHeader> headers = new ArrayList<>();
              resp.getHeaders().forEach(headers::add);
              return problem(
                  status,
                  resp.status().reason(),
                  detail.length() > 300 ? detail.substring(0, 300) : detail,
                  null,
                  headers);
            });
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
