package io.upsfleet.cluster.notify;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Typed settings of outgoing e-mail, block {@code upsfleet.mail}. With an empty {@code smtp.host}
 * mail is written as {@code .eml} files under {@code file-dir} instead (the demo's local mail
 * sink).
 */
public record MailSettings(
    String from,
    String smtpHost,
    int smtpPort,
    String username,
    String password,
    boolean startTls,
    Duration timeout,
    Path fileDir,
    int maxAttempts,
    Duration maxBackoff,
    Duration pollInterval) {

  public MailSettings {
    check(from.contains("@") && from.length() <= 254, "from", "must be an e-mail address");
    check(smtpPort > 0 && smtpPort <= 65535, "smtp.port", "must be 1..65535");
    check(maxAttempts >= 1 && maxAttempts <= 1000, "max-attempts", "must be 1..1000");
    check(!timeout.isNegative() && !timeout.isZero(), "smtp.timeout", "must be positive");
  }

  public boolean smtp() {
    return !smtpHost.isEmpty();
  }

  public static MailSettings fromConfig(Config root) {
    Config c = root.getConfig("upsfleet.mail");
    return new MailSettings(
        c.getString("from"),
        c.getString("smtp.host"),
        c.getInt("smtp.port"),
        c.getString("smtp.username"),
        c.getString("smtp.password"),
        c.getBoolean("smtp.starttls"),
        c.getDuration("smtp.timeout"),
        Path.of(c.getString("file-dir")),
        c.getInt("max-attempts"),
        c.getDuration("max-backoff"),
        c.getDuration("poll-interval"));
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException("upsfleet.mail." + key + " " + message);
  }
}
