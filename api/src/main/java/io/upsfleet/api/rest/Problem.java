package io.upsfleet.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An error answer, RFC 9457 {@code application/problem+json}.
 *
 * @param type a URI naming the kind of problem
 * @param title a short summary of the kind
 * @param status the HTTP status
 * @param detail what went wrong this time, safe to show
 * @param errors field-level errors of a request body or query, when there are any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, List<FieldError> errors) {

  /** One invalid field and why. */
  public record FieldError(String field, String message) {}
}
