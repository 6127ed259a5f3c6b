package io.upsfleet.gateway.http;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
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
   * Runs {@code inner} for an authenticated, rate-limited principal whose role may call the route
   * ({@link AccessRules}: the one place where roles are checked); 401 / 429 / 403 otherwise, 404
   * for a route not in the table. Every change and every support read is recorded in the audit
   * trail once, here, with its outcome.
   */
  Route authenticated(Function<Principal, Route> inner) {
    return extractRequest(
        request ->
            optionalHeaderValueByName(
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
                        Accounts.TokenGrant grant = t.get().get();
                        Principal p = grant.principal();
                        OptionalInt wait = api.rateLimiter.acquire("user:" + p.userId());
                        if (wait.isPresent())
                          return failWith(ApiException.tooManyRequests(wait.getAsInt()));
                        return allowed(request, grant, inner);
                      });
                }));
  }

  private Route allowed(
      HttpRequest request, Accounts.TokenGrant grant, Function<Principal, Route> inner) {
    Principal p = grant.principal();
    String path = request.getUri().path();
    String under = path.startsWith(API_PREFIX) ? path.substring(API_PREFIX.length()) : path;
    AccessRules.Lookup lookup = AccessRules.lookup(request.method().value(), under);
    if (lookup instanceof AccessRules.WrongMethod w) {
      return failWith(ApiException.methodNotAllowed("allowed: " + String.join(", ", w.allowed())));
    }
    if (!(lookup instanceof AccessRules.Found found)) {
      return failWith(ApiException.notFound("no such resource"));
    }
    AccessRules.Rule rule = found.rule();
    String source = clientAddress(request);
    Route checked;
    if (grant.mustChangePassword() && !rule.beforePasswordChange()) {
      checked =
          failWith(
              ApiException.forbidden(
                  "your password was reset: set a new one first (POST /api/v1/auth/password)"));
    } else if (!rule.allows(p.role())) {
      checked =
          failWith(
              ApiException.forbidden(
                  "the role "
                      + p.role()
                      + " may not "
                      + rule.what()
                      + " (see the README's role table)"));
    } else {
      checked = inner.apply(p);
    }
    // Failures below become problems here, logged with the caller's account and name.
    Route handled = handleExceptions(Problems.exceptionHandler(p), () -> checked);
    if (!rule.audited(p.role())) return handled;
    return mapResponse(
        response -> {
          audit(p, source, rule, path, response.status().intValue());
          return response;
        },
        () -> handled);
  }

  private static final String API_PREFIX = "/api/v1";

  /** One audit record of a call, from its route and outcome. */
  private void audit(Principal p, String source, AccessRules.Rule rule, String path, int status) {
    List<String> segments =
        List.of(path.substring(Math.min(path.length(), API_PREFIX.length() + 1)).split("/"));
    UUID account = p.accountId();
    String serial = null;
    if (segments.size() >= 2 && segments.get(0).equals("accounts")) {
      try {
        account = UUID.fromString(segments.get(1));
      } catch (IllegalArgumentException e) {
        // not an account id: the record keeps the caller's account
      }
    } else if (segments.size() >= 2 && segments.get(0).equals("devices")) {
      serial = segments.get(1);
    }
    api.audit.record(
        new AuditLog.Record(
            p.username(),
            p.role().name(),
            source,
            account,
            serial,
            rule.action(),
            masked(rule, path),
            outcome(status),
            "HTTP " + status));
  }

  /**
   * The path as recorded: an activation code in it (a secret that redeems licenses) is cut to its
   * last five characters.
   */
  static String masked(AccessRules.Rule rule, String path) {
    int at = rule.segments().indexOf("{code}");
    if (at < 0) return path;
    String[] parts = path.split("/", -1);
    int index = at + 3; // "", "api", "v1" come first
    if (index < parts.length && parts[index].length() > 5) {
      parts[index] = "…" + parts[index].substring(parts[index].length() - 5);
    }
    return String.join("/", parts);
  }

  /** The audit outcome of an HTTP status. */
  static String outcome(int status) {
    if (status < 400) return "OK";
    switch (status) {
      case 401:
        return "DENIED";
      case 403:
        return "FORBIDDEN";
      case 404:
        return "NOT_FOUND";
      case 429:
        return "THROTTLED";
      default:
        return status < 500 ? "REFUSED" : "FAILED";
    }
  }

  /**
   * The client's address: the socket's peer, or — only when that peer is a trusted proxy such as
   * the console — the last address it put in {@code X-Forwarded-For}. Anyone else's header is
   * ignored.
   */
  String clientAddress(HttpRequest request) {
    String peer =
        request
            .getAttribute(AttributeKeys.remoteAddress)
            .flatMap(a -> a.getAddress())
            .map(InetAddress::getHostAddress)
            .orElse("unknown");
    if (!api.http.trustedProxies().contains(peer)) return peer;
    return request
        .getHeader("X-Forwarded-For")
        .map(
            h -> {
              String[] hops = h.value().split(",");
              String last = hops[hops.length - 1].trim();
              return last.isEmpty() || last.length() > 64 ? peer : last;
            })
        .orElse(peer);
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

  /**
   * The account a listing is restricted to: a customer's own; for support the {@code accountId}
   * parameter, or all (empty). 400 for a malformed id, 404 for an account the principal cannot see.
   */
  static Optional<UUID> accountScope(Principal p, Validation v, String requested) {
    if (requested == null) return p.restrictedTo();
    UUID id = null;
    try {
      id = UUID.fromString(requested);
    } catch (IllegalArgumentException e) {
      v.require(false, "accountId", "must be a UUID");
    }
    v.throwIfInvalid();
    if (!p.canSee(id)) throw ApiException.notFound("no account " + requested);
    return Optional.of(id);
  }

  /** A CSV export, offered as a download named {@code filename}. */
  Route csvFile(String filename, String csv) {
    return respondWithHeader(
        ContentDisposition.create(ContentDispositionTypes.ATTACHMENT, Map.of("filename", filename)),
        () -> complete(HttpEntities.create(Csv.CONTENT_TYPE, csv)));
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

    /** An ISO-8601 instant parameter; empty when absent or invalid (then a field error). */
    Optional<Instant> instant(String name, String raw) {
      if (raw == null) return Optional.empty();
      try {
        return Optional.of(Instant.parse(raw));
      } catch (DateTimeParseException e) {
        errors.add(
            new Problem.FieldError(name, "must be an ISO-8601 instant, e.g. 2026-11-28T10:00:00Z"));
        return Optional.empty();
      }
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
