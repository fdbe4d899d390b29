package io.graphagent.coordinator.etcd;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;

/**
 * The etcd store's values: protobuf messages in text format on one line, so that
 * {@code etcdctl get --prefix /graphagent/} shows readable records; unknown fields (a newer
 * coordinator's) are skipped when parsing, as binary protobuf would. Stateless.
 */
public final class ProtoText {

    private static final TextFormat.Printer PRINTER = TextFormat.printer().escapingNonAscii(false);
    private static final TextFormat.Parser PARSER = TextFormat.Parser.newBuilder().setAllowUnknownFields(true).build();

    private ProtoText() {
    }

    public static String print(Message message) {
        return PRINTER.shortDebugString(message);
    }

    /**
     * Parses {@code text} into {@code builder}.
     *
     * @throws EtcdException naming {@code key} when the value is not such a record
     */
    public static <B extends Message.Builder> B parse(String key, String text, B builder) throws EtcdException {
        try {
            PARSER.merge(text, builder);
            return builder;
        } catch (TextFormat.ParseException e) {
            throw new EtcdException("etcd key " + key + " does not hold a " + builder.getDescriptorForType().getName()
                    + " (" + e.getMessage() + ")", "delete the key with `etcdctl del " + key + "` (what it held is then"
                    + " forgotten) or put back a good value");
        }
    }
}
