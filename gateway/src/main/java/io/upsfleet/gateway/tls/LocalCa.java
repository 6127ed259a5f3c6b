package io.upsfleet.gateway.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A local certificate authority kept in a directory (the demo's {@code data/tls}): made on first
 * use, it issues the node's server certificate (for {@code localhost}, the loopback addresses and
 * the host's name) and, on request, device client certificates whose common name is the serial and
 * cluster node certificates. Keys are EC P-256 (RSA 2048 for cluster nodes, which is what Pekko's
 * Artery TLS reads), written as PKCS#8 PEM readable by the owner only. Not for production: a real
 * deployment brings its own certificates ({@code UPSFLEET_TLS_CERT}, {@code UPSFLEET_TLS_KEY}).
 */
public final class LocalCa {
  /** The DNS name every cluster node certificate carries. */
  public static final String CLUSTER_NAME = "upsfleet-cluster";

  private static final Duration CA_LIFE = Duration.ofDays(3650);
  private static final Duration LEAF_LIFE = Duration.ofDays(397);
  private final Path dir;
  private final X509Certificate caCert;
  private final PrivateKey caKey;

  private LocalCa(Path dir, X509Certificate caCert, PrivateKey caKey) {
    this.dir = dir;
    this.caCert = caCert;
    this.caKey = caKey;
  }

  /**
   * The authority in {@code dir}, made there (with a server certificate) when absent.
   *
   * @throws IllegalStateException naming the directory when it cannot be read or written
   */
  public static LocalCa openOrCreate(Path dir) {
    Path caFile = dir.resolve("ca.pem");
    Path caKeyFile = dir.resolve("ca-key.pem");
    try {
      LocalCa ca;
      if (Files.exists(caFile) && Files.exists(caKeyFile)) {
        ca = new LocalCa(dir, PemFiles.certificates(caFile).get(0), PemFiles.privateKey(caKeyFile));
      } else {
        Files.createDirectories(dir);
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("CN=upsfleet local CA,O=upsfleet demo");
        Instant now = Instant.now();
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                name,
                serialNumber(),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(CA_LIFE)),
                name,
                pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(
            Extension.subjectKeyIdentifier,
            false,
            ext.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = sign(b, pair.getPrivate());
        writeKey(caKeyFile, pair.getPrivate());
        writeAtomically(caFile, pem(List.of(cert)));
        ca = new LocalCa(dir, cert, pair.getPrivate());
      }
      if (!Files.exists(ca.serverCertFile()) || !Files.exists(ca.serverKeyFile())) {
        ca.issueServer(ca.serverCertFile(), ca.serverKeyFile());
      }
      return ca;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(
          "cannot keep the local certificate authority in " + dir + ": " + e, e);
    }
  }

  /** The authority's certificate (what clients pass as {@code --cafile}). */
  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** The node's certificate chain. */
  public Path serverCertFile() {
    return dir.resolve("server.pem");
  }

  /** The node's private key. */
  public Path serverKeyFile() {
    return dir.resolve("server-key.pem");
  }

  /**
   * Issues a server certificate for {@code localhost}, 127.0.0.1, ::1 and this host's name into the
   * two files (chain with the authority's certificate; key owner-only).
   */
  public void issueServer(Path certFile, Path keyFile) {
    Set<GeneralName> names = new LinkedHashSet<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (!host.isBlank() && !host.equals("localhost"))
        names.add(new GeneralName(GeneralName.dNSName, host));
    } catch (UnknownHostException e) {
      // only the loopback names then
    }
    issue(
        "upsfleet node",
        names,
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth},
        false,
        certFile,
        keyFile);
  }

  /**
   * Issues a device client certificate whose common name (and DNS name) is {@code serial}, for
   * mutual TLS in place of the device's secret.
   */
  public void issueDevice(String serial, Path certFile, Path keyFile) {
    issue(
        serial,
        Set.of(new GeneralName(GeneralName.dNSName, serial)),
        new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth},
        false,
        certFile,
        keyFile);
  }

  /**
   * Issues a cluster node certificate for mutual TLS between nodes: common name {@code name}, DNS
   * names {@value #CLUSTER_NAME} (the name every node shares, which Pekko's peer check compares)
   * and {@code name}, for both server and client authentication.
   */
  public void issueClusterNode(String name, Path certFile, Path keyFile) {
    Set<GeneralName> names = new LinkedHashSet<>();
    names.add(new GeneralName(GeneralName.dNSName, CLUSTER_NAME));
    names.add(new GeneralName(GeneralName.dNSName, name));
    issue(
        name,
        names,
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
        true,
        certFile,
        keyFile);
  }

  private void issue(
      String commonName,
      Set<GeneralName> names,
      KeyPurposeId[] purposes,
      boolean rsa,
      Path certFile,
      Path keyFile) {
    try {
      KeyPair pair = rsa ? newRsaKeyPair() : newKeyPair();
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              caCert,
              serialNumber(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(LEAF_LIFE)),
              new X500Name("CN=" + commonName),
              pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate cert = sign(b, caKey);
      List<X509Certificate> chain = new ArrayList<>(List.of(cert, caCert));
      writeKey(keyFile, pair.getPrivate());
      writeAtomically(certFile, pem(chain));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate into " + certFile + ": " + e, e);
    }
  }

  /** An RSA 2048 key pair: Pekko's PEM reader for Artery TLS reads RSA keys only. */
  private static KeyPair newRsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new SecureRandom());
    return g.generateKeyPair();
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serialNumber() {
    return new BigInteger(128, new SecureRandom()).abs().add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static String pem(List<?> objects) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) w.writeObject(o);
    }
    return out.toString();
  }

  private static void writeKey(Path file, PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(key, null));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, out.toString(), StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
