package io.upsfleet.gateway.http;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.cluster.account.Principal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * What every resource's routes share: bearer authentication with per-principal rate limiting,
 * strict JSON bodies, paging parameters, and answering a {@link CompletionStage} with JSON or a
 * problem.
 */
abstract class ApiDirectives extends AllDirectives {
  final ApiContext api;

  ApiDirectives(ApiContext api) {
    this.api = api;
  }

  /**
   * Runs {@code inner} for an authenticated, rate-limited principal; 401 / 429 otherwise. A
   * RESELLER is refused here (403) on every route: it reaches only {@code /api/v1/reseller},
   * through {@link #resellerAuthenticated} (the one place its access is decided; issue 13's role
   * table may absorb this check).
   */
  Route authenticated(Function<Principal, Route> inner) {
    return anyAuthenticated(
        p ->
            p.role().isReseller()
                ? failWith(
                    ApiException.forbidden(
                        "a reseller sees only the renewal data of consenting accounts, under"
                            + " /api/v1/reseller"))
                : inner.apply(p));
  }

  /** Runs {@code inner} for an authenticated RESELLER; 403 for any other role. */
  Route resellerAuthenticated(Function<Principal, Route> inner) {
    return anyAuthenticated(
        p ->
            p.role().isReseller()
                ? inner.apply(p)
                : failWith(ApiException.forbidden("only a reseller's user has a reseller view")));
  }

  /** Any signed-in principal, a reseller included (sign-out). */
  Route anyAuthenticated(Function<Principal, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> token =
              header
                  .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                  .map(h -> h.substring(7).trim())
                  .filter(t -> !t.isEmpty() && t.length() <= 200);
          if (token.isEmpty()) return failWith(ApiException.unauthorized());
          return onComplete(
              api.authenticator.resolve(token.get()),
              t -> {
                if (t.isFailure()) return failWith(t.failed().get());
                if (t.get().isEmpty()) return failWith(ApiException.unauthorized());
                Principal p = t.get().get().principal();
                OptionalInt wait = api.rateLimiter.acquire("user:" + p.userId());
                if (wait.isPresent())
                  return failWith(ApiException.tooManyRequests(wait.getAsInt()));
                return inner.apply(p);
              });
        });
  }

  /**
   * Reads a strict JSON body of type {@code type}: 415 for another content type, 400 for bad JSON.
   */
  <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return failWith(ApiException.unsupportedMediaType());
          }
          return entity(
              Unmarshaller.entityToByteString(),
              bytes -> {
                T value;
                try {
                  value = Json.MAPPER.readValue(bytes.toArray(), type);
                } catch (InvalidTypeIdException e) {
                  // A polymorphic body (an operation) with a missing or unknown type.
                  return failWith(
                      ApiException.invalid(
                          List.of(
                              new Problem.FieldError(
                                  "type", "must be one of " + subtypeNames(type)))));
                } catch (UnrecognizedPropertyException e) {
                  return failWith(
                      ApiException.invalid(
                          List.of(new Problem.FieldError(e.getPropertyName(), "unknown field"))));
                } catch (MismatchedInputException e) {
                  String field =
                      e.getPath().isEmpty()
                          ? "(body)"
                          : e.getPath().get(e.getPath().size() - 1).getFieldName();
                  return failWith(
                      ApiException.invalid(
                          List.of(new Problem.FieldError(field, "wrong type or shape"))));
                } catch (JsonProcessingException e) {
                  return failWith(ApiException.badRequest("the body is not valid JSON"));
                } catch (IOException e) {
                  return failWith(ApiException.badRequest("the body could not be read"));
                }
                if (value == null)
                  return failWith(ApiException.badRequest("the body must be a JSON object"));
                return inner.apply(value);
              });
        });
  }

  /** The type names a polymorphic body accepts, from its Jackson annotations. */
  private static List<String> subtypeNames(Class<?> type) {
    JsonSubTypes sub = type.getAnnotation(JsonSubTypes.class);
    if (sub == null) return List.of();
    List<String> names = new ArrayList<>();
    for (JsonSubTypes.Type t : sub.value()) names.add(t.name());
    return names;
  }

  /** Like {@link #jsonBody}, but an empty body gives {@code null}. */
  <T> Route optionalBody(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(
        entity ->
            entity.isKnownEmpty()
                    || (entity.getContentLengthOption().isPresent()
                        && entity.getContentLengthOption().getAsLong() == 0)
                ? inner.apply(null)
                : jsonBody(type, inner));
  }

  /**
   * Reads {@code page} (≥ 0, default 0) and {@code size} (1..max, default 50); 400 when invalid.
   */
  Route paging(BiFunction<Integer, Integer, Route> inner) {
    return parameterOptional(
        "page",
        page ->
            parameterOptional(
                "size",
                size -> {
                  Validation v = new Validation();
                  int p = v.intParam("page", page, 0, 0, 1_000_000);
                  int s = v.intParam("size", size, 50, 1, api.http.maxPageSize());
                  v.throwIfInvalid();
                  return inner.apply(p, s);
                }));
  }

  /** Answers with {@code status} and the JSON of the stage's value, or a problem when it fails. */
  <T> Route completeJson(StatusCode status, CompletionStage<T> value) {
    return onComplete(
        value,
        t ->
            t.isSuccess()
                ? complete(status, t.get(), Json.<T>marshaller())
                : failWith(t.failed().get()));
  }

  <T> Route completeOk(CompletionStage<T> value) {
    return completeJson(StatusCodes.OK, value);
  }

  /** A UUID path or body value; 404 for a malformed id in a path (it cannot exist). */
  static UUID pathId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("no such resource");
    }
  }

  /** Collects field errors and throws them as one 400. */
  static final class Validation {
    private final List<Problem.FieldError> errors = new ArrayList<>();

    Validation require(boolean ok, String field, String message) {
      if (!ok) errors.add(new Problem.FieldError(field, message));
      return this;
    }

    int intParam(String name, Optional<String> raw, int dflt, int min, int max) {
      if (raw.isEmpty()) return dflt;
      try {
        int v = Integer.parseInt(raw.get());
        if (v >= min && v <= max) return v;
      } catch (NumberFormatException e) {
        // reported below
      }
      errors.add(new Problem.FieldError(name, "must be an integer between " + min + " and " + max));
      return dflt;
    }

    /** Whether no field error was found so far. */
    boolean ok() {
      return errors.isEmpty();
    }

    void throwIfInvalid() {
      if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }
  }
}
