package io.graphagent.api;

/**
 * A job parameter is missing, ill-typed or out of range: the message names the key and says how
 * to fix it. Thrown by {@link Parameters} and by programs' {@link VertexProgram#configure}.
 */
public class ParameterException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key the parameter's key
     * @param problem what is wrong with it, a sentence naming the key
     */
    public ParameterException(String key, String problem) {
        super(problem);
        this.key = key;
    }

    /** The key of the parameter at fault. */
    public String key() {
        return key;
    }
}
