package io.upsfleet.gateway.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's certificate and key, read from PEM files and read again by {@link #reloadIfChanged}
 * when either file changes, so a renewed certificate (for example by cert-manager or certbot) is
 * served to new connections without a restart. A pair that cannot be read, or whose key does not
 * belong to its certificate, is refused with a warning and the previous one stays in use.
 * Thread-safe.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);
  private static final char[] NO_PASSWORD = new char[0];
  private final Path certFile;
  private final Path keyFile;
  private volatile Loaded current;

  private record Loaded(X509ExtendedKeyManager delegate, X509Certificate leaf, String stamp) {}

  /**
   * Reads the pair once.
   *
   * @throws IllegalArgumentException naming the file when the pair cannot be used
   */
  public ReloadingKeyManager(Path certFile, Path keyFile) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.current = load(stamp());
  }

  /**
   * Reads the files again when they changed since the last read; true when a new pair is now in
   * use.
   */
  public boolean reloadIfChanged() {
    String stamp = stamp();
    if (stamp.equals(current.stamp())) return false;
    try {
      current = load(stamp);
      log.info(
          "TLS certificate reloaded from {}: {}, valid until {}",
          certFile,
          current.leaf().getSubjectX500Principal().getName(),
          current.leaf().getNotAfter().toInstant());
      return true;
    } catch (IllegalArgumentException e) {
      log.warn("TLS certificate not reloaded, the previous one stays in use: {}", e.getMessage());
      // Not retried until the files change again.
      current = new Loaded(current.delegate(), current.leaf(), stamp);
      return false;
    }
  }

  /** When the certificate in use expires. */
  public Instant notAfter() {
    return current.leaf().getNotAfter().toInstant();
  }

  /** The certificate in use (the leaf). */
  public X509Certificate certificate() {
    return current.leaf();
  }

  private String stamp() {
    try {
      return Files.getLastModifiedTime(certFile).toMillis()
          + "/"
          + Files.size(certFile)
          + "/"
          + Files.getLastModifiedTime(keyFile).toMillis()
          + "/"
          + Files.size(keyFile);
    } catch (IOException e) {
      return "unreadable: " + e;
    }
  }

  private Loaded load(String stamp) {
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    X509Certificate leaf = chain.get(0);
    if (!belongTogether(key, leaf)) {
      throw new IllegalArgumentException(
          "the key in " + keyFile + " does not belong to the first certificate in " + certFile);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("node", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      for (KeyManager km : kmf.getKeyManagers()) {
        if (km instanceof X509ExtendedKeyManager x) return new Loaded(x, leaf, stamp);
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot use " + certFile + " and " + keyFile + ": " + e, e);
    }
    throw new IllegalArgumentException("no X.509 key manager for " + certFile);
  }

  private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) return true; // nothing to check it with; the handshake will tell
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private X509ExtendedKeyManager delegate() {
    return current.delegate();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return delegate().getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return delegate().chooseClientAlias(keyType, issuers, socket);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return delegate().getServerAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return delegate().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return delegate().chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return delegate().chooseEngineClientAlias(keyType, issuers, engine);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return delegate().getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return Objects.requireNonNull(delegate()).getPrivateKey(alias);
  }
}
