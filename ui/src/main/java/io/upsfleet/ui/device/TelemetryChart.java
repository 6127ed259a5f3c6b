package io.upsfleet.ui.device;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Draws load, charge and temperature as an SVG line chart on the server (no client-side chart
 * library is available without a frontend build). Pure function of its input; thread-safe.
 */
public final class TelemetryChart {
  static final int WIDTH = 720;
  static final int HEIGHT = 220;
  private static final int LEFT = 40;
  private static final int RIGHT = 10;
  private static final int TOP = 24;
  private static final int BOTTOM = 28;
  private static final DateTimeFormatter HM =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private TelemetryChart() {}

  /**
   * The SVG markup for {@code samples} (oldest first); a short message when there is nothing to
   * draw.
   */
  public static String svg(List<TelemetryHistory.Sample> samples) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"telemetry-chart\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" preserveAspectRatio=\"xMidYMid meet\">");
    sb.append("<title>Load, battery charge and temperature</title>");
    double yMax = 100;
    for (TelemetryHistory.Sample s : samples) {
      if (s.load() != null) yMax = Math.max(yMax, s.load());
      if (s.temperature() != null) yMax = Math.max(yMax, s.temperature());
    }
    yMax = Math.ceil(yMax / 20) * 20;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    for (int i = 0; i <= 4; i++) {
      double v = yMax * i / 4;
      double y = TOP + plotH - plotH * i / 4.0;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>",
              LEFT,
              y,
              WIDTH - RIGHT,
              y));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>",
              LEFT - 6,
              y + 4,
              Math.round(v)));
    }
    legend(sb);
    if (samples.size() < 2) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" class=\"empty\" text-anchor=\"middle\">%s</text>",
              LEFT + plotW / 2,
              TOP + plotH / 2,
              samples.isEmpty()
                  ? "Waiting for the first sample from the device…"
                  : "Waiting for a second sample…"));
      return sb.append("</svg>").toString();
    }
    Instant start = samples.get(0).at();
    Instant end = samples.get(samples.size() - 1).at();
    double span = Math.max(1, Duration.between(start, end).toMillis());
    Function<Instant, Double> x =
        t -> LEFT + plotW * (Duration.between(start, t).toMillis() / span);
    double top = yMax;
    Function<Double, Double> y = v -> TOP + plotH - plotH * (Math.max(0, v) / top);
    line(sb, samples, TelemetryHistory.Sample::load, x, y, "load");
    line(sb, samples, TelemetryHistory.Sample::charge, x, y, "charge");
    line(sb, samples, TelemetryHistory.Sample::temperature, x, y, "temperature");
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" class=\"axis\">%s</text>",
            LEFT,
            HEIGHT - 8,
            HM.format(start)));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">%s UTC</text>",
            WIDTH - RIGHT,
            HEIGHT - 8,
            HM.format(end)));
    return sb.append("</svg>").toString();
  }

  private static void legend(StringBuilder sb) {
    String[][] items = {
      {"load", "Load %"}, {"charge", "Charge %"}, {"temperature", "Temperature °C"}
    };
    int x = LEFT;
    for (String[] it : items) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"4\" class=\"swatch %s\"/>"
                  + "<text x=\"%d\" y=\"12\" class=\"legend\">%s</text>",
              x,
              it[0],
              x + 16,
              it[1]));
      x += 130;
    }
  }

  private static void line(
      StringBuilder sb,
      List<TelemetryHistory.Sample> samples,
      Function<TelemetryHistory.Sample, Double> value,
      Function<Instant, Double> x,
      Function<Double, Double> y,
      String cssClass) {
    StringBuilder points = new StringBuilder();
    for (TelemetryHistory.Sample s : samples) {
      Double v = value.apply(s);
      if (v == null) continue;
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.apply(s.at()), y.apply(v)));
    }
    if (points.length() == 0) return;
    sb.append("<polyline class=\"series ")
        .append(cssClass)
        .append("\" fill=\"none\" points=\"")
        .append(points.toString().trim())
        .append("\"/>");
  }
}
