package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.Problem;
import java.util.List;

/**
 * A request the API answers with a problem; mapped to its response in {@link Problems}, and only
 * there.
 */
final class ApiException extends RuntimeException {
  final int status;
  final String title;
  final List<Problem.FieldError> errors;
  final Integer retryAfterSeconds;

  private ApiException(
      int status,
      String title,
      String detail,
      List<Problem.FieldError> errors,
      Integer retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = errors;
    this.retryAfterSeconds = retryAfter;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, "Bad Request", detail, null, null);
  }

  static ApiException invalid(List<Problem.FieldError> errors) {
    return new ApiException(
        400, "Invalid request", "the request has invalid fields", List.copyOf(errors), null);
  }

  static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "a valid bearer token is required", null, null);
  }

  static ApiException forbidden(String detail) {
    return new ApiException(403, "Forbidden", detail, null, null);
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, "Not Found", detail, null, null);
  }

  static ApiException methodNotAllowed(String detail) {
    return new ApiException(405, "Method Not Allowed", detail, null, null);
  }

  static ApiException conflict(String detail) {
    return new ApiException(409, "Conflict", detail, null, null);
  }

  static ApiException unsupportedMediaType() {
    return new ApiException(
        415, "Unsupported Media Type", "the body must be application/json", null, null);
  }

  static ApiException tooManyRequests(int retryAfterSeconds) {
    return new ApiException(
        429, "Too Many Requests", "slow down and retry later", null, retryAfterSeconds);
  }

  /** Too many of something the caller has (not a rate): it must wait for some to finish. */
  static ApiException tooMany(String detail, int retryAfterSeconds) {
    return new ApiException(429, "Too Many Requests", detail, null, retryAfterSeconds);
  }

  static ApiException unavailable(String detail) {
    return new ApiException(503, "Service Unavailable", detail, null, 5);
  }
}
