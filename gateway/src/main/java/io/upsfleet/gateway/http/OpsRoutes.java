package io.upsfleet.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Operations endpoints, unauthenticated by design (load balancers and Prometheus call them; they
 * reveal no tenant data): {@code /health/alive}, {@code /health/ready} (cluster member up, database
 * answering, MQTT listening) and {@code /metrics} in Prometheus text format.
 */
final class OpsRoutes extends ApiDirectives {
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier mqttListening;

  OpsRoutes(ApiContext api, PrometheusMeterRegistry registry, BooleanSupplier mqttListening) {
    super(api);
    this.registry = registry;
    this.mqttListening = mqttListening;
  }

  Route routes() {
    return concat(
        pathPrefix(
            "health",
            () ->
                concat(
                    path(
                        "alive",
                        () ->
                            get(
                                () ->
                                    complete(
                                        StatusCodes.OK,
                                        Map.of("status", "UP"),
                                        Json.marshaller()))),
                    path(
                        "ready",
                        () ->
                            get(
                                () ->
                                    onComplete(
                                        api.health.databaseAnswers(),
                                        db -> {
                                          boolean dbUp =
                                              db.isSuccess() && Boolean.TRUE.equals(db.get());
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
                                              ready
                                                  ? StatusCodes.OK
                                                  : StatusCodes.SERVICE_UNAVAILABLE,
                                              body,
                                              Json.marshaller());
                                        }))))),
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
