package io.upsfleet.gateway.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads PEM certificates and private keys (Bouncy Castle's parser). No instances. */
final class PemFiles {
  private PemFiles() {}

  /**
   * Every certificate in {@code file}, in order.
   *
   * @throws IllegalArgumentException naming the file when it holds none or cannot be read
   */
  static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) certs.add(converter.getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read PEM certificates from " + file + ": " + e, e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate in " + file);
    }
    return certs;
  }

  /**
   * The private key in {@code file} (PKCS#8 {@code PRIVATE KEY}, or a traditional RSA/EC key).
   *
   * @throws IllegalArgumentException naming the file when it holds no unencrypted key
   */
  static PrivateKey privateKey(Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
        if (o instanceof PEMKeyPair pair) return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read a PEM private key from " + file + ": " + e, e);
    }
    throw new IllegalArgumentException(
        "no unencrypted PEM private key in " + file + " (encrypted keys are not supported)");
  }
}
