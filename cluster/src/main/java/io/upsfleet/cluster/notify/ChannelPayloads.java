package io.upsfleet.cluster.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders messages for each channel, escaping every string for it (device-supplied text included):
 * Slack Block Kit (mrkdwn escaped), a Teams Adaptive Card in the Workflows {@code attachments}
 * envelope (markdown and template braces escaped), the generic webhook's JSON, and e-mail (HTML
 * escaped, with a plain-text part). Several messages due at once for one destination become one
 * payload (see README, "Notifications").
 */
public final class ChannelPayloads {
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final int SLACK_MAX_BLOCKS = 48;

  private ChannelPayloads() {}

  /** An e-mail: subject, plain text and HTML. */
  public record Email(String subject, String text, String html) {}

  /** The JSON body of a Slack incoming webhook post. */
  public static String slack(List<Message> messages) {
    List<Object> blocks = new ArrayList<>();
    String header =
        messages.size() == 1 ? messages.get(0).title() : messages.size() + " UPS notifications";
    blocks.add(
        Map.of("type", "header", "text", Map.of("type", "plain_text", "text", clip(header, 150))));
    for (Message m : messages) {
      if (blocks.size() >= SLACK_MAX_BLOCKS) break;
      StringBuilder text = new StringBuilder();
      text.append(icon(m.severity())).append(" *").append(slackEscape(m.title())).append('*');
      for (String l : m.lines()) text.append('\n').append(slackEscape(l));
      blocks.add(
          Map.of(
              "type",
              "section",
              "text",
              Map.of("type", "mrkdwn", "text", clip(text.toString(), 3000))));
      blocks.add(
          Map.of(
              "type",
              "context",
              "elements",
              List.of(Map.of("type", "mrkdwn", "text", slackEscape(context(m))))));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", clip(header, 3000));
    body.put("blocks", blocks);
    return write(body);
  }

  /**
   * The JSON body of a Teams Workflows webhook post: an Adaptive Card in an attachments envelope.
   */
  public static String teams(List<Message> messages) {
    List<Object> body = new ArrayList<>();
    String header =
        messages.size() == 1 ? messages.get(0).title() : messages.size() + " UPS notifications";
    body.add(textBlock(header, "Bolder", "Medium", null));
    for (Message m : messages) {
      List<Object> items = new ArrayList<>();
      if (messages.size() > 1) items.add(textBlock(m.title(), "Bolder", null, color(m.severity())));
      for (String l : m.lines()) items.add(textBlock(l, null, null, null));
      List<Object> facts = new ArrayList<>();
      if (m.site() != null) facts.add(Map.of("title", "Site", "value", cardEscape(m.site())));
      if (m.serial() != null) facts.add(Map.of("title", "UPS", "value", cardEscape(m.serial())));
      facts.add(Map.of("title", "Severity", "value", m.severity()));
      facts.add(Map.of("title", "When", "value", TIME.format(m.at())));
      items.add(Map.of("type", "FactSet", "facts", facts));
      Map<String, Object> container = new LinkedHashMap<>();
      container.put("type", "Container");
      container.put("separator", true);
      container.put("items", items);
      body.add(container);
    }
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    card.put("body", body);
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.put("contentUrl", null);
    attachment.put("content", card);
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", "message");
    envelope.put("attachments", List.of(attachment));
    return write(envelope);
  }

  /** The JSON body of a generic webhook post ({@code id} = the delivery's idempotency key). */
  public static String webhook(String key, List<Message> messages) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", key);
    if (messages.size() == 1) {
      body.putAll(messageMap(messages.get(0)));
    } else {
      body.put("kind", "BATCH");
      body.put("messages", messages.stream().map(ChannelPayloads::messageMap).toList());
    }
    return write(body);
  }

  /** The e-mail of one or several messages. */
  public static Email email(List<Message> messages) {
    String subject =
        messages.size() == 1
            ? "[upsfleet] " + messages.get(0).title()
            : "[upsfleet] " + messages.size() + " UPS notifications";
    StringBuilder text = new StringBuilder();
    StringBuilder html =
        new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
    for (Message m : messages) {
      text.append(m.title()).append('\n');
      html.append("<h3>").append(htmlEscape(m.title())).append("</h3><p>");
      for (String l : m.lines()) {
        text.append(l).append('\n');
        html.append(htmlEscape(l)).append("<br>");
      }
      text.append(context(m)).append("\n\n");
      html.append("<small>").append(htmlEscape(context(m))).append("</small></p>");
    }
    html.append("</body></html>");
    return new Email(
        clip(subject.replaceAll("[\\r\\n]", " "), 200), text.toString(), html.toString());
  }

  private static Map<String, Object> messageMap(Message m) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("kind", m.kind());
    map.put("title", m.title());
    map.put("severity", m.severity());
    map.put("lines", m.lines());
    map.put("serial", m.serial());
    map.put("site", m.site());
    map.put("eventType", m.eventType());
    map.put("at", m.at().toString());
    return map;
  }

  private static Map<String, Object> textBlock(
      String text, String weight, String size, String color) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", "TextBlock");
    b.put("text", cardEscape(text));
    b.put("wrap", true);
    if (weight != null) b.put("weight", weight);
    if (size != null) b.put("size", size);
    if (color != null) b.put("color", color);
    return b;
  }

  private static String context(Message m) {
    StringBuilder s = new StringBuilder();
    if (m.site() != null) s.append("site ").append(m.site()).append(" · ");
    if (m.serial() != null) s.append("UPS ").append(m.serial()).append(" · ");
    return s.append(TIME.format(m.at())).toString();
  }

  private static String icon(String severity) {
    switch (severity) {
      case "CRITICAL":
        return ":red_circle:";
      case "WARNING":
        return ":large_orange_circle:";
      default:
        return ":large_green_circle:";
    }
  }

  private static String color(String severity) {
    switch (severity) {
      case "CRITICAL":
        return "Attention";
      case "WARNING":
        return "Warning";
      default:
        return "Good";
    }
  }

  private static final Map<Character, String> SLACK =
      Map.of(
          '&',
          "&amp;",
          '<',
          "&lt;",
          '>',
          "&gt;",
          // A zero-width space after a formatting mark stops it from pairing.
          '*',
          "*\u200B",
          '_',
          "_\u200B",
          '~',
          "~\u200B",
          '`',
          "`\u200B");
  private static final Map<Character, String> HTML =
      Map.of('&', "&amp;", '<', "&lt;", '>', "&gt;", '"', "&quot;", '\'', "&#39;");

  /** Slack mrkdwn: the three control characters as entities; formatting marks made inert. */
  static String slackEscape(String s) {
    return replace(s, SLACK);
  }

  /** Adaptive Card TextBlock text: markdown marks backslash-escaped, template braces broken up. */
  static String cardEscape(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      if ("\\*_[]()#`~>-!|".indexOf(ch) >= 0) b.append('\\');
      b.append(ch);
      if (ch == '{' || ch == '$') b.append('\u200B');
    }
    return b.toString();
  }

  static String htmlEscape(String s) {
    return replace(s, HTML);
  }

  private static String replace(String s, Map<Character, String> replacements) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      String r = replacements.get(ch);
      if (r == null) b.append(ch);
      else b.append(r);
    }
    return b.toString();
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
