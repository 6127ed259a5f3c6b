package io.upsfleet.gateway.mqtt;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The names a device's verified client certificate vouches for: its subject's common name and its
 * DNS subject alternative names. A device whose certificate names its serial may connect without a
 * secret (mutual TLS). No instances.
 */
final class DeviceCertificates {
  private static final int DNS_NAME = 2;

  private DeviceCertificates() {}

  /**
   * The names of the peer's verified certificate; empty when the connection is not TLS or the
   * device presented no certificate.
   */
  static Optional<Set<String>> names(ChannelPipeline pipeline) {
    SslHandler tls = pipeline.get(SslHandler.class);
    if (tls == null) return Optional.empty();
    Certificate[] peer;
    try {
      peer = tls.engine().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate cert)) return Optional.empty();
    Set<String> names = new HashSet<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) names.add(String.valueOf(rdn.getValue()));
      }
    } catch (InvalidNameException e) {
      // no common name then
    }
    try {
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> entry : alternatives) {
          if (entry.size() == 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0)))
            names.add(String.valueOf(entry.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      // the common name only then
    }
    return Optional.of(names);
  }
}
