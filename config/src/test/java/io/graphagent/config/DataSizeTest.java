package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataSizeTest {

    @Test
    void parsesBinaryUnitsAndPlainBytes() {
        assertThat(DataSize.parse("64MiB")).isEqualTo(64L << 20);
        assertThat(DataSize.parse("512KiB")).isEqualTo(512L << 10);
        assertThat(DataSize.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(DataSize.parse("1048576")).isEqualTo(1L << 20);
        assertThat(DataSize.parse("10B")).isEqualTo(10);
    }

    @Test
    void decimalLookingUnitsAreRefusedAsAmbiguousWithTheBinarySpelling() {
        assertThatThrownBy(() -> DataSize.parse("64MB"))
                .hasMessageContaining("ambiguous")
                .hasMessageContaining("write 64MiB");
    }

    @Test
    void garbageNamesTheAcceptedForm() {
        assertThatThrownBy(() -> DataSize.parse("big")).hasMessageContaining("64MiB");
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(DataSize.format(64L << 20)).isEqualTo("64MiB");
        assertThat(DataSize.format(1536)).isEqualTo("1536B");
        assertThat(DataSize.format(3 * 1024)).isEqualTo("3KiB");
        assertThat(DataSize.format(100)).isEqualTo("100B");
    }
}
