package io.upsfleet.ui.gateway;

import io.upsfleet.api.rest.Problem;
import java.util.stream.Collectors;

/**
 * A call to the gateway that did not succeed: the HTTP {@link #status()} (0 when the gateway could
 * not be reached) and the {@link #problem()} it sent (null when the body was not a problem
 * document). {@link #userMessage()} is the text to show a user.
 */
public final class GatewayException extends RuntimeException {
  private final int status;
  private final transient Problem problem;

  public GatewayException(int status, Problem problem, String fallback) {
    super(describe(status, problem, fallback));
    this.status = status;
    this.problem = problem;
  }

  public GatewayException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.problem = null;
  }

  public int status() {
    return status;
  }

  public Problem problem() {
    return problem;
  }

  /** The token is missing, expired or revoked: the user has to sign in again. */
  public boolean isUnauthorized() {
    return status == 401;
  }

  /** What to tell the user: the problem's detail and field errors, or a plain sentence. */
  public String userMessage() {
    return getMessage();
  }

  private static String describe(int status, Problem p, String fallback) {
    if (p == null) {
      return switch (status) {
        case 401 -> "Your session has expired. Please sign in again.";
        case 403 -> "You are not allowed to do this.";
        case 404 -> "Not found.";
        case 429 -> "Too many requests. Please wait a moment and try again.";
        case 502, 503, 504 -> "The gateway is not available right now. Please try again shortly.";
        default ->
            fallback == null || fallback.isBlank()
                ? "The gateway answered " + status + "."
                : fallback;
      };
    }
    StringBuilder sb = new StringBuilder(p.title() == null ? "Error " + status : p.title());
    if (p.detail() != null && !p.detail().isBlank() && !p.detail().equals(p.title())) {
      sb.append(": ").append(p.detail());
    }
    if (p.errors() != null && !p.errors().isEmpty()) {
      sb.append(" (")
          .append(
              p.errors().stream()
                  .map(e -> e.field() + " " + e.message())
                  .collect(Collectors.joining("; ")))
          .append(')');
    }
    return sb.toString();
  }
}
