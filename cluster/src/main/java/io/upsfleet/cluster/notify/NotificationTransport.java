package io.upsfleet.cluster.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Delivers rendered messages to one destination, blocking (call it on the sender executor, never on
 * an actor thread): HTTP posts through the JDK client (no redirects followed, bounded connect and
 * read time-outs, at most {@code max-response-bytes} of the answer read), e-mail through {@link
 * MailTransport}. Every URL passes the {@link UrlGuard} again, freshly resolved, before each post.
 */
public final class NotificationTransport {
  /** A failed delivery; the message says why, for the delivery log. */
  public static final class DeliveryFailed extends Exception {
    public DeliveryFailed(String message) {
      super(message);
    }
  }

  private final NotificationSettings settings;
  private final UrlGuard guard;
  private final MailTransport mail;
  private final Clock clock;
  private final HttpClient http;

  public NotificationTransport(
      NotificationSettings settings, UrlGuard guard, MailTransport mail, Clock clock) {
    this.settings = settings;
    this.guard = guard;
    this.mail = mail;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Sends {@code messages} as one delivery with idempotency key {@code key}. */
  public void send(Destination d, String key, List<Message> messages) throws DeliveryFailed {
    switch (d.type()) {
      case EMAIL:
        ChannelPayloads.Email e = ChannelPayloads.email(messages);
        try {
          mail.sendNotification(key, d.target(), e.subject(), e.text(), e.html());
        } catch (Exception ex) {
          throw new DeliveryFailed("mail not sent: " + ex.getMessage());
        }
        return;
      case SLACK:
        post(d, key, ChannelPayloads.slack(messages), false);
        return;
      case TEAMS:
        post(d, key, ChannelPayloads.teams(messages), false);
        return;
      case WEBHOOK:
        post(d, key, ChannelPayloads.webhook(key, messages), true);
        return;
      default:
        throw new DeliveryFailed("unknown destination type " + d.type());
    }
  }

  private void post(Destination d, String key, String body, boolean sign) throws DeliveryFailed {
    URI uri;
    try {
      uri = guard.check(d.target());
    } catch (UrlGuard.Refused r) {
      throw new DeliveryFailed("URL refused: " + r.getMessage());
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(settings.readTimeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "upsfleet-notify/1")
            .header(WebhookSignature.DELIVERY_HEADER, key)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (sign && d.secret() != null) {
      b.header(
          WebhookSignature.HEADER,
          WebhookSignature.header(d.secret(), clock.instant().getEpochSecond(), body));
    }
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new DeliveryFailed("POST failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryFailed("interrupted");
    }
    String answer;
    try (InputStream in = r.body()) {
      answer = new String(in.readNBytes(settings.maxResponseBytes()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      answer = "";
    }
    int status = r.statusCode();
    if (status >= 300 && status < 400)
      throw new DeliveryFailed("HTTP " + status + ": redirects are not followed");
    if (status < 200 || status >= 300) {
      String shown = answer.length() > 200 ? answer.substring(0, 200) : answer;
      throw new DeliveryFailed("HTTP " + status + (shown.isBlank() ? "" : ": " + shown.strip()));
    }
  }
}
