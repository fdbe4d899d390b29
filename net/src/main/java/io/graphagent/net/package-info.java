/**
 * Network foundation of graphagent: the one vocabulary of connection-failure causes
 * ({@link io.graphagent.net.cause}), cluster certificates ({@link io.graphagent.net.certs}),
 * mutual-TLS gRPC servers and channels with handshake timeouts ({@link io.graphagent.net.tls}),
 * reconnect backoff ({@link io.graphagent.net.backoff}) and monotonic time for deadlines
 * ({@link io.graphagent.net.time}).
 */
package io.graphagent.net;
