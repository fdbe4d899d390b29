package io.graphagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Resources;
import io.graphagent.protocol.v1.Welcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A peer of a newer build may send fields this build does not know. Protobuf must parse
 * such messages, keep the unknown fields and write them back unchanged, so that an older
 * agent or coordinator keeps working with a newer one.
 */
class UnknownFieldToleranceTest {

    private static final int UNKNOWN_VARINT_FIELD = 1000;
    private static final int UNKNOWN_BYTES_FIELD = 1001;

    private static Hello hello() {
        return Hello.newBuilder()
                .setAgentId("agent-1")
                .setProtocolMin(1)
                .setProtocolMax(1)
                .setBuildVersion("0.1.0")
                .setDataAddress("127.0.0.1:7500")
                .setResources(Resources.newBuilder().setCores(8).setMaxHeapBytes(4L << 30))
                .setClusterId("prod")
                .build();
    }

    /** {@code known} serialized, followed by two fields a newer build added. */
    private static byte[] withNewerFields(byte[] known) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(known);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(UNKNOWN_VARINT_FIELD, 42);
        out.writeString(UNKNOWN_BYTES_FIELD, "from the future");
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void helloWithUnknownFieldsParsesWithItsKnownFieldsIntact() throws IOException {
        Hello parsed = Hello.parseFrom(withNewerFields(hello().toByteArray()));

        assertThat(parsed.getAgentId()).isEqualTo("agent-1");
        assertThat(parsed.getResources().getCores()).isEqualTo(8);
        assertThat(parsed.getUnknownFields().hasField(UNKNOWN_VARINT_FIELD)).isTrue();
        assertThat(parsed.getUnknownFields().getField(UNKNOWN_VARINT_FIELD).getVarintList())
                .containsExactly(42L);
        assertThat(parsed.getUnknownFields().getField(UNKNOWN_BYTES_FIELD).getLengthDelimitedList())
                .containsExactly(ByteString.copyFromUtf8("from the future"));
    }

    @Test
    void unknownFieldsSurviveARoundTrip() throws IOException {
        byte[] wire = withNewerFields(hello().toByteArray());

        Hello parsed = Hello.parseFrom(wire);
        Hello reparsed = Hello.parseFrom(parsed.toByteArray());

        assertThat(reparsed).isEqualTo(parsed);
        assertThat(reparsed.getUnknownFields().hasField(UNKNOWN_BYTES_FIELD)).isTrue();
        assertThat(parsed.toByteArray()).hasSameSizeAs(wire);
    }

    @Test
    void unknownFieldInsideANestedMessageIsKept() throws IOException {
        byte[] resources = withNewerFields(hello().getResources().toByteArray());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(Hello.AGENT_ID_FIELD_NUMBER, "agent-2");
        out.writeByteArray(Hello.RESOURCES_FIELD_NUMBER, resources);
        out.flush();

        Hello parsed = Hello.parseFrom(bytes.toByteArray());

        assertThat(parsed.getAgentId()).isEqualTo("agent-2");
        assertThat(parsed.getResources().getMaxHeapBytes()).isEqualTo(4L << 30);
        assertThat(parsed.getResources().getUnknownFields().hasField(UNKNOWN_VARINT_FIELD)).isTrue();
    }

    @Test
    void unknownMessageKindParsesAsAnEmptyBodyTheReceiverCanSkip() throws IOException {
        // A newer agent sends a oneof member (field 99) this build does not know.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(99, Welcome.newBuilder().setSessionId("s").build().toByteArray());
        out.flush();

        AgentMessage parsed = AgentMessage.parseFrom(bytes.toByteArray());

        assertThat(parsed.getBodyCase()).isEqualTo(AgentMessage.BodyCase.BODY_NOT_SET);
        assertThat(parsed.getUnknownFields().hasField(99)).isTrue();
    }
}
