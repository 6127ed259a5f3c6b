package io.upsfleet.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Operations endpoints, unauthenticated by design (load balancers and Prometheus call them; they
 * reveal no tenant data): {@code /health/alive} (the process serves HTTP), {@code /health/ready}
 * (cluster member up, database writes committing, MQTT listening) and {@code /metrics} in
 * Prometheus text format. {@link #starting()} is what a node serves while it waits for its
 * database: alive, not ready.
 */
final class OpsRoutes extends ApiDirectives {
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier mqttListening;
  private final BooleanSupplier databaseWritable;

  OpsRoutes(
      ApiContext api,
      PrometheusMeterRegistry registry,
      BooleanSupplier mqttListening,
      BooleanSupplier databaseWritable) {
    super(api);
    this.registry = registry;
    this.mqttListening = mqttListening;
    this.databaseWritable = databaseWritable;
  }

  /** Alive, not ready, and 503 for everything else: a node still waiting for its database. */
  static Route starting() {
    Map<String, String> notReady =
        Map.of("status", "DOWN", "database", "DOWN", "cluster", "DOWN", "mqtt", "DOWN");
    return Directives.concat(
        Directives.path(
            PathMatchers.segment("health").slash("alive"),
            () ->
                Directives.get(
                    () -> Directives.complete(StatusCodes.OK, ALIVE, Json.marshaller()))),
        Directives.path(
            PathMatchers.segment("health").slash("ready"),
            () ->
                Directives.get(
                    () ->
                        Directives.complete(
                            StatusCodes.SERVICE_UNAVAILABLE, notReady, Json.marshaller()))),
        Directives.complete(
            Problems.of(ApiException.unavailable("the node is starting, retry shortly"))));
  }

  private static final Map<String, String> ALIVE = Map.of("status", "UP");

  Route routes() {
    return concat(
        pathPrefix(
            "health",
            () ->
                concat(
                    path(
                        "alive",
                        () -> get(() -> complete(StatusCodes.OK, ALIVE, Json.marshaller()))),
                    path(
                        "ready",
                        () ->
                            get(
                                () -> {
                                  boolean dbUp = databaseWritable.getAsBoolean();
                                  boolean clusterUp = api.health.clusterUp();
                                  boolean mqttUp = mqttListening.getAsBoolean();
                                  boolean ready = dbUp && clusterUp && mqttUp;
                                  Map<String, String> body =
                                      Map.of(
                                          "status", ready ? "UP" : "DOWN",
                                          "database", dbUp ? "UP" : "DOWN",
                                          "cluster", clusterUp ? "UP" : "DOWN",
                                          "mqtt", mqttUp ? "UP" : "DOWN");
                                  return complete(
                                      ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                                      body,
                                      Json.marshaller());
                                })))),
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpEntities.create(
                                ContentTypes.TEXT_PLAIN_UTF8, registry.scrape())))));
  }
}
