package io.graphagent.ops.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.HostPort;
import org.junit.jupiter.api.Test;

/** The bearer token rule of the admin and query HTTP APIs. */
class AdminAccessTest {
    private static final HostPort LOOPBACK = HostPort.parse("127.0.0.1:0");

    private static boolean reads(AdminAccess access, String authorization) {
        return access.check(AdminAccess.Kind.READ, authorization).isEmpty();
    }

    @Test
    void onlyTheExactTokenReadsWhiteSpaceAroundItAside() {
        AdminAccess access = AdminAccess.of("coordinator", LOOPBACK, "s3cret-token-123");

        assertThat(reads(access, "Bearer s3cret-token-123")).isTrue();
        assertThat(reads(access, "Bearer   s3cret-token-123 \t")).isTrue();
        assertThat(reads(access, "Bearer s3cret-token-12")).isFalse();
        assertThat(reads(access, "Bearer s3cret-token-1234")).isFalse();
        assertThat(reads(access, "Bearer s3cret-token-124")).isFalse();
        assertThat(reads(access, "Bearer ")).isFalse();
        assertThat(reads(access, "Basic s3cret-token-123")).isFalse();
        assertThat(reads(access, "Bearer s3cret-tökén-123")).isFalse();
        assertThat(reads(access, null)).isFalse();
    }

    @Test
    void aTokenBeyondAsciiIsComparedAsUtf8() {
        AdminAccess access = AdminAccess.of("coordinator", LOOPBACK, "clé-secrète-0123");

        assertThat(reads(access, "Bearer clé-secrète-0123")).isTrue();
        assertThat(reads(access, "Bearer cle-secrete-0123")).isFalse();
    }
}
