package io.graphagent.cli;

import io.graphagent.config.HostPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code HOST:PORT} options ({@code 127.0.0.1:7400}, {@code [::1]:7400}) in the syntax of the config file. */
final class AddressConverter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
        try {
            HostPort address = HostPort.parse(value);
            if (address.port() > 65535) {
                throw new TypeConversionException("'" + value + "': port " + address.port() + " is above 65535");
            }
            return address;
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
