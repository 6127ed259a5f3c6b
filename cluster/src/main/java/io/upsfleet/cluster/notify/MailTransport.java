package io.upsfleet.cluster.notify;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Properties;

/**
 * Sends one e-mail, blocking (call it off actor threads): by SMTP (Jakarta Mail / Angus), or into a
 * directory as {@code .eml} files when no SMTP server is configured. Thread-safe.
 */
public final class MailTransport {
  private final MailSettings settings;
  private final Session session;

  public MailTransport(MailSettings settings) {
    this.settings = settings;
    Properties p = new Properties();
    p.put("mail.smtp.host", settings.smtpHost());
    p.put("mail.smtp.port", Integer.toString(settings.smtpPort()));
    p.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
    p.put("mail.smtp.connectiontimeout", Long.toString(settings.timeout().toMillis()));
    p.put("mail.smtp.timeout", Long.toString(settings.timeout().toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(settings.timeout().toMillis()));
    boolean auth = !settings.username().isEmpty();
    p.put("mail.smtp.auth", Boolean.toString(auth));
    this.session =
        auth
            ? Session.getInstance(
                p,
                new Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(settings.username(), settings.password());
                  }
                })
            : Session.getInstance(p);
  }

  /** Where mail goes, for logs: the SMTP server or the directory. */
  public String destination() {
    return settings.smtp()
        ? "smtp://" + settings.smtpHost() + ":" + settings.smtpPort()
        : settings.fileDir().toAbsolutePath().toString();
  }

  /** Sends (or writes) the message; throws when it could not, so the caller retries later. */
  public void send(long id, String to, String subject, String body)
      throws MessagingException, IOException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(settings.from()));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
    m.setSubject(subject, "UTF-8");
    m.setText(body, "UTF-8");
    m.setSentDate(new Date());
    if (settings.smtp()) {
      Transport.send(m);
    } else {
      Files.createDirectories(settings.fileDir());
      Path file = settings.fileDir().resolve(String.format("%08d.eml", id));
      try (OutputStream out = Files.newOutputStream(file)) {
        m.writeTo(out);
      }
    }
  }

  /**
   * Sends (or writes) a notification: plain text and HTML alternatives, with {@code messageId} as
   * its Message-ID (the stable idempotency key, so a re-sent message can be recognised); throws
   * when it could not, so the caller retries later.
   */
  public void sendNotification(
      String messageId, String to, String subject, String text, String html)
      throws MessagingException, IOException {
    MimeMessage m =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + messageId + "@upsfleet>");
          }
        };
    m.setFrom(new InternetAddress(settings.from()));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
    m.setSubject(subject, "UTF-8");
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText(text, "UTF-8");
    MimeBodyPart rich = new MimeBodyPart();
    rich.setText(html, "UTF-8", "html");
    m.setContent(new MimeMultipart("alternative", plain, rich));
    m.setSentDate(new Date());
    if (settings.smtp()) {
      Transport.send(m);
    } else {
      Files.createDirectories(settings.fileDir());
      Path file =
          settings
              .fileDir()
              .resolve("notify-" + messageId.replaceAll("[^A-Za-z0-9-]", "_") + ".eml");
      try (OutputStream out = Files.newOutputStream(file)) {
        m.writeTo(out);
      }
    }
  }
}
