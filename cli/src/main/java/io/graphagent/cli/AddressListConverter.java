package io.graphagent.cli;

import io.graphagent.config.HostPort;
import io.graphagent.config.ValueType;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code HOST:PORT[,HOST:PORT...]} options: every coordinator of a cluster, in the syntax of agent.coordinator. */
final class AddressListConverter implements ITypeConverter<List<HostPort>> {
    @Override
    public List<HostPort> convert(String value) {
        try {
            List<HostPort> list = ValueType.ADDRESS_LIST.parse(value);
            for (HostPort a : list) {
                if (a.port() < 1 || a.port() > 65535) {
                    throw new TypeConversionException("'" + a + "': port " + a.port() + " is not in 1..65535");
                }
            }
            return list;
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
