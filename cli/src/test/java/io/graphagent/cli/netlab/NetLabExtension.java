package io.graphagent.cli.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a {@link NetLab} (as a parameter of its {@code @BeforeAll} or test
 * methods) and takes it down after the class, even when a test failed. Before it, the lab's
 * preconditions are checked: where they do not hold (not root, no namespaces, no nftables)
 * the class is skipped with the reason, unless the environment variable {@value #REQUIRED}
 * is set (as {@code .ci/run} does): then the class fails, so CI cannot skip the lab silently.
 * Namespaces left by crashed runs are swept first. After the class, and once more when the
 * whole test run ends, it asserts that no lab namespace, no lab table in the host's
 * nftables, and no lab interface, address or route on the host is left behind.
 */
public final class NetLabExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** Set (to anything non-empty) where the lab must run: a missing precondition fails instead of skipping. */
    public static final String REQUIRED = "GRAPHAGENT_NETLAB_REQUIRED";
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Optional<String> why = NetLab.unavailable();
        if (why.isPresent()) {
            String required = System.getenv(REQUIRED);
            if (required != null && !required.isBlank()) {
                throw new ExtensionConfigurationException(REQUIRED + " is set but the network lab cannot run: " + why.get());
            }
            Assumptions.abort("network lab skipped: " + why.get());
        }
        List<String> swept = NetLab.sweepStale();
        if (!swept.isEmpty()) {
            System.out.println("netlab: removed namespaces left by runs that died: " + swept);
        }
        context.getRoot().getStore(STORE).getOrComputeIfAbsent(EndOfRunCheck.class, k -> new EndOfRunCheck(),
                EndOfRunCheck.class);
        context.getStore(STORE).put(NetLab.class, NetLab.open());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        NetLab lab = context.getStore(STORE).remove(NetLab.class, NetLab.class);
        if (lab == null) {
            return;
        }
        lab.close();
        assertNothingLeft(lab.leftovers());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NetLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        NetLab lab = context.getStore(STORE).get(NetLab.class, NetLab.class);
        if (lab == null) {
            throw new ExtensionConfigurationException("no NetLab: the lab is given to @BeforeAll and test methods only");
        }
        return lab;
    }

    /** No lab namespace of ours, no lab table in the host's own ruleset, no lab link, address or route on the host. */
    static void assertNothingLeft(List<String> namespaces) {
        assertThat(namespaces).as("lab namespaces left behind").isEmpty();
        assertThat(Shell.run("nft", "list", "tables")).as("the host's nftables (the lab's rules live in its namespaces)")
                .doesNotContain(" " + Firewall.TABLE);
        assertThat(Shell.run("ip", "-4", "-o", "addr", "show", "to", NetLab.BLOCK) + Shell.run("ip", "-4", "route", "show",
                "root", NetLab.BLOCK)).as("the host's addresses and routes in the lab's block " + NetLab.BLOCK).isBlank();
        assertThat(Shell.run("ip", "-o", "link", "show", "type", "veth").lines()
                .filter(l -> l.matches("\\d+: " + LabNetwork.ROUTER_SIDE + ".*")).toList())
                .as("the host's interfaces (the lab's veth pairs live in its namespaces)").isEmpty();
    }

    /** Closed by JUnit when the whole run ends: every lab namespace of this process must be gone. */
    private static final class EndOfRunCheck implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            String ours = NetLab.PREFIX + ProcessHandle.current().pid() + "-";
            List<String> left = NetLab.namespacesNow().stream().filter(n -> n.startsWith(ours)).toList();
            left.forEach(n -> new Namespace(n).destroy());
            assertNothingLeft(left);
            System.out.println("netlab: end of run, no lab namespace or rule left behind");
        }
    }
}
