package io.graphagent.coordinator.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.graphagent.config.EtcdConfig;
import io.grpc.netty.GrpcSslContexts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One jetcd client to the etcd cluster of {@code coordinator.etcd}: mutual TLS with the
 * configured CA, certificate and key for {@code https://} endpoints, plaintext only for
 * {@code http://} ones with {@code insecure} set (logged as a warning). Every call made
 * through {@link #await} is bounded by {@link #callTimeout()}: etcd without a quorum answers
 * nothing, and nothing here waits on it forever. Thread-safe; close it once.
 */
public final class EtcdConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdConnection.class);

    /**
     * The longest any one etcd call may take. A healthy cluster on a LAN answers in a few ms; a
     * member change (leader election in etcd) takes about a second; longer means no quorum.
     */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(2);

    /** The plaintext warning is logged once per process, not per connection. */
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    private final Client client;
    private final EtcdKeys keys;
    private final Duration callTimeout;
    private final EtcdConfig config;

    private EtcdConnection(Client client, EtcdKeys keys, Duration callTimeout, EtcdConfig config) {
        this.client = client;
        this.keys = keys;
        this.callTimeout = callTimeout;
        this.config = config;
    }

    /**
     * Connects (lazily: the first call dials) to {@code config}'s endpoints for cluster {@code clusterId}.
     *
     * @throws EtcdException when there is no endpoint, an http:// endpoint without insecure, or unusable TLS files
     */
    public static EtcdConnection open(EtcdConfig config, String clusterId, Duration callTimeout) throws EtcdException {
        Objects.requireNonNull(config, "config");
        if (config.endpoints().isEmpty()) {
            throw new EtcdException("no etcd endpoint is configured",
                    "pass --etcd URL[,URL...] or set coordinator.etcd.endpoints");
        }
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(callTimeout)
                // A call fails at once on a channel that cannot connect (instead of waiting for it),
                // and jetcd stops retrying before this connection's bound: the error that reaches
                // await is then the connection's own (a refused certificate, a refused port), which
                // names the cause, rather than a bare timeout that would read as a lost quorum.
                .waitForReady(false)
                .retryMaxDuration(callTimeout.multipliedBy(3).dividedBy(4))
                .retryDelay(100)
                .retryMaxDelay(500)
                .retryChronoUnit(java.time.temporal.ChronoUnit.MILLIS)
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(callTimeout);
        if (config.plaintext()) {
            if (!config.insecure()) {
                throw new EtcdException("the etcd endpoints " + config.endpoints() + " are plaintext (http://)",
                        "use https:// endpoints with coordinator.etcd.ca, .cert and .key, or allow plaintext on one trusted"
                                + " machine with --etcd-insecure (coordinator.etcd.insecure: true)");
            }
            if (WARNED.compareAndSet(false, true)) log.warn("event=etcd_insecure endpoints={} risk=\"plaintext to etcd: anyone who reaches it can read the control"
                    + " plane and take the leadership\" fix=\"use https:// endpoints with coordinator.etcd.ca, .cert, .key\"",
                    config.endpoints());
        } else {
            if (config.ca().isEmpty() || config.cert().isEmpty() || config.key().isEmpty()) {
                throw new EtcdException("https:// etcd endpoints need a CA, a client certificate and its key",
                        "set coordinator.etcd.ca, coordinator.etcd.cert and coordinator.etcd.key (or --etcd-ca, --etcd-cert,"
                                + " --etcd-key)");
            }
            try {
                // gRPC over TLS needs ALPN offering h2: a plain netty client context lacks it and
                // jetcd then fails at the first call, so the context comes from grpc-netty's builder.
                builder.sslContext(GrpcSslContexts.forClient()
                        .trustManager(config.ca().get().toFile())
                        .keyManager(config.cert().get().toFile(), config.key().get().toFile())
                        .build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new EtcdException("the etcd TLS files (ca " + config.ca().get() + ", cert " + config.cert().get()
                        + ", key " + config.key().get() + ") are unusable: " + e.getMessage(),
                        "point coordinator.etcd.ca/.cert/.key at PEM files (the key in PKCS#8)");
            }
        }
        return new EtcdConnection(builder.build(), new EtcdKeys(clusterId), callTimeout, config);
    }

    /** Connects with {@link #DEFAULT_CALL_TIMEOUT}. */
    public static EtcdConnection open(EtcdConfig config, String clusterId) throws EtcdException {
        return open(config, clusterId, DEFAULT_CALL_TIMEOUT);
    }

    /** The jetcd client, for the store and the election. */
    public Client client() {
        return client;
    }

    public KV kv() {
        return client.getKVClient();
    }

    /** The key layout of this cluster. */
    public EtcdKeys keys() {
        return keys;
    }

    /** The bound of every call. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** The configuration connected with. */
    public EtcdConfig config() {
        return config;
    }

    /**
     * Waits for {@code call} at most {@link #callTimeout()}.
     *
     * @param what the call in words, for the message ("read the leader key")
     * @throws EtcdException naming the endpoints, what failed and the fix; a timeout says etcd has no quorum or is unreachable
     */
    public <T> T await(CompletableFuture<T> call, String what) throws EtcdException {
        try {
            return call.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw EtcdException.unavailable(what, "no answer within " + callTimeout.toMillis() + " ms", config.endpoints(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw EtcdException.unavailable(what, oneLine(cause), config.endpoints(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EtcdException.unavailable(what, "interrupted", config.endpoints(), e);
        }
    }

    /** Every key under {@code prefix}, in key order. */
    public GetResponse getPrefix(String prefix, String what) throws EtcdException {
        ByteSequence p = bytes(prefix);
        return await(kv().get(p, GetOption.builder().isPrefix(true).build()), what);
    }

    /** UTF-8 bytes of {@code text}. */
    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** The text of a UTF-8 value. */
    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").replace('"', '\'').trim();
    }

    @Override
    public void close() {
        client.close();
    }
}
