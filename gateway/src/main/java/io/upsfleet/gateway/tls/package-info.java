/**
 * TLS for the node's listeners: PEM certificates from configuration, reloaded without a restart
 * when the files change ({@link io.upsfleet.gateway.tls.ReloadingKeyManager}), the server contexts
 * for MQTT (Netty) and HTTPS (Pekko HTTP) with TLS 1.2 and 1.3 only ({@link
 * io.upsfleet.gateway.tls.ServerTls}), and the demo's local certificate authority ({@link
 * io.upsfleet.gateway.tls.LocalCa}).
 */
package io.upsfleet.gateway.tls;
