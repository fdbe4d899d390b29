package io.graphagent.cli;

import java.nio.file.Path;

/** The flags that name a user program ({@code run} and {@code submit}): checked together, before anything is read. */
final class ProgramFlags {
    private ProgramFlags() {
    }

    /**
     * Refuses a user program named with a built-in kernel or its flags, or with only one of
     * {@code --program} and {@code --class}.
     *
     * @param algorithmGiven whether {@code --algorithm} was given
     * @param kernelFlagsGiven whether any of {@code --source}, {@code --iterations}, {@code --damping} was given
     */
    static void check(boolean algorithmGiven, Path program, String programClass, boolean kernelFlagsGiven) {
        if (algorithmGiven) {
            throw new BadInputException("--algorithm and --program both given", "pass one of them");
        }
        if (program == null || programClass == null) {
            throw new BadInputException(program == null ? "--class needs --program" : "--program needs --class",
                    "pass --program FILE.jar --class NAME together");
        }
        if (kernelFlagsGiven) {
            throw new BadInputException("--source, --iterations and --damping are flags of the built-in kernels",
                    "pass them to your program as --param key=value");
        }
    }
}
