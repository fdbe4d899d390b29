package io.graphagent.cli.netlab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nftables ruleset of one lab namespace: a table {@value #TABLE} (family inet) with an
 * {@code input}, a {@code forward} and an {@code output} chain, all accepting by default.
 * Faults are rules added to a chain ({@link #add}) and removed by their handle
 * ({@link Rule#close()}); the ruleset lives in the namespace, never in the host's. Thread-safe.
 */
public final class Firewall {
    /** The lab's table in each namespace. */
    public static final String TABLE = "netlab";
    private static final Pattern HANDLE = Pattern.compile("# handle (\\d+)");

    /** Where a rule hooks in. */
    public enum Chain {
        /** Packets for this namespace's own sockets. */
        INPUT,
        /** Packets routed through this namespace (the router). */
        FORWARD,
        /** Packets this namespace's sockets (or its kernel, e.g. ICMP errors) send. */
        OUTPUT;

        String nftName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Namespace ns;

    private Firewall(Namespace ns) {
        this.ns = ns;
    }

    /** Creates the table and its three chains in {@code ns}. */
    static Firewall in(Namespace ns) {
        StringBuilder script = new StringBuilder("add table inet " + TABLE);
        for (Chain chain : Chain.values()) {
            script.append("; add chain inet ").append(TABLE).append(' ').append(chain.nftName()).append(" { type filter hook ")
                    .append(chain.nftName()).append(" priority 0; policy accept; }");
        }
        ns.exec("nft", script.toString());
        return new Firewall(ns);
    }

    /**
     * Adds {@code rule} (nft syntax, e.g. {@code ip saddr 10.213.12.2 tcp dport 7400 drop}) to
     * the end of {@code chain}; closing the returned rule removes it.
     */
    public Rule add(Chain chain, String rule) {
        String echoed = ns.exec("nft", "--echo", "--handle", "add rule inet " + TABLE + " " + chain.nftName() + " " + rule);
        Matcher m = HANDLE.matcher(echoed);
        if (!m.find()) {
            throw new NetLabException("nft printed no handle for rule '" + rule + "' in " + ns.name() + ": " + echoed);
        }
        return new Rule(chain, rule, Long.parseLong(m.group(1)));
    }

    /** The rules of the table now, as {@code nft list table} prints them. */
    public String list() {
        return ns.exec("nft", "list", "table", "inet", TABLE);
    }

    /** Rules added and not removed yet, one line each (the handle comments stripped). */
    public List<String> rules() {
        List<String> rules = new ArrayList<>();
        for (String line : ns.exec("nft", "--handle", "list", "table", "inet", TABLE).lines().toList()) {
            String l = line.strip();
            if (l.contains("# handle") && !l.startsWith("chain") && !l.startsWith("table") && !l.startsWith("type")) {
                rules.add(l.replaceAll("\\s*# handle \\d+", ""));
            }
        }
        return rules;
    }

    /** One rule of the table; {@link #close()} deletes it (idempotent). */
    public final class Rule implements AutoCloseable {
        private final Chain chain;
        private final String text;
        private final long handle;
        private boolean removed;

        private Rule(Chain chain, String text, long handle) {
            this.chain = chain;
            this.text = text;
            this.handle = handle;
        }

        /** The rule as written, with its namespace and chain, for reports. */
        public String describe() {
            return "nft (" + ns.name() + ", " + chain.nftName() + "): " + text;
        }

        @Override
        public synchronized void close() {
            if (!removed) {
                ns.exec("nft", "delete rule inet " + TABLE + " " + chain.nftName() + " handle " + handle);
                removed = true;
            }
        }
    }
}
