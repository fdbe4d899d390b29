/**
 * Mutual TLS for gRPC: certificate files ({@link io.graphagent.net.tls.TlsFiles}), netty
 * {@code SslContext}s ({@link io.graphagent.net.tls.TlsContexts}), and server and channel
 * builders ({@link io.graphagent.net.tls.Servers}, {@link io.graphagent.net.tls.Channels}) with
 * handshake timeouts and classified, counted handshake failures.
 */
package io.graphagent.net.tls;
