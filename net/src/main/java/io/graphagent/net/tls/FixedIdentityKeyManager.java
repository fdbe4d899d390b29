package io.graphagent.net.tls;

import io.graphagent.net.certs.KeyMaterial;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the node's one certificate whatever CA names the peer asks for. The JDK's default
 * key manager sends no certificate when the server's list of acceptable CAs does not include
 * ours, which turns "certificate from another CA" into a misleading "certificate required";
 * sending it anyway lets the server refuse it for the real reason (unknown CA, expired).
 * Immutable and thread-safe.
 */
final class FixedIdentityKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "graphagent";

    private final X509Certificate[] chain;
    private final PrivateKey key;

    FixedIdentityKeyManager(KeyMaterial identity) {
        this.chain = identity.chain().toArray(X509Certificate[]::new);
        this.key = identity.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
