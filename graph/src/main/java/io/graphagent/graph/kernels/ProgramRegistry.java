package io.graphagent.graph.kernels;

import io.graphagent.api.ProgramShape;
import io.graphagent.api.VertexProgram;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * Finds vertex programs: the built-in kernels by name ({@code bfs}, {@code pagerank} or
 * {@code pr}, {@code wcc}, {@code cdlp}, {@code lcc}, {@code sssp}), a user's program by class
 * name from a jar, in a class loader of its own that the caller closes after the run. Every
 * program found here is a fresh, unconfigured instance. Stateless and thread-safe.
 */
public final class ProgramRegistry {
    private static final Map<String, Supplier<VertexProgram>> BUILT_INS = builtIns();

    private ProgramRegistry() {
    }

    private static Map<String, Supplier<VertexProgram>> builtIns() {
        Map<String, Supplier<VertexProgram>> m = new TreeMap<>();
        m.put("bfs", Bfs::new);
        m.put("pagerank", PageRank::new);
        m.put("pr", PageRank::new);
        m.put("wcc", Wcc::new);
        m.put("cdlp", Cdlp::new);
        m.put("lcc", Lcc::new);
        m.put("sssp", Sssp::new);
        return Map.copyOf(m);
    }

    /** Names {@link #builtIn} accepts. */
    public static Set<String> builtInNames() {
        return new java.util.TreeSet<>(BUILT_INS.keySet());
    }

    /**
     * A new instance of the built-in program {@code name} (any case).
     *
     * @throws IllegalArgumentException naming the choices when there is none of that name
     */
    public static VertexProgram builtIn(String name) {
        Supplier<VertexProgram> maker = BUILT_INS.get(name.trim().toLowerCase(Locale.ROOT));
        if (maker == null) {
            throw new IllegalArgumentException("unknown program '" + name + "': choose one of "
                    + String.join(", ", builtInNames()) + ", or give a jar and a class");
        }
        return maker.get();
    }

    /**
     * Configures {@code program} with {@code parameters} and reads its shape, before any run:
     * a missing, ill-typed or unread parameter is refused here, naming the key.
     *
     * @param name the program's name for messages
     * @throws io.graphagent.api.ParameterException naming the key at fault
     * @throws IllegalArgumentException when the program declares no shape
     */
    public static ProgramShape configure(VertexProgram program, ParameterMap parameters, String name) {
        program.configure(parameters);
        parameters.checkAllRead(name);
        ProgramShape shape = program.shape();
        if (shape == null) {
            throw new IllegalArgumentException(name + ".shape() returned null: return a ProgramShape built with ProgramShape.builder()");
        }
        return shape;
    }

    /**
     * Loads class {@code className} from {@code jar} in a new class loader of its own (the jar's
     * classes first, the API from graphagent: {@link ProgramClassLoader}), and makes an instance
     * with its public no-argument constructor. The class must be in the jar itself.
     *
     * @throws ProgramLoadException naming the jar or class when the file is missing or not a jar,
     *     the class is missing, does not implement {@link VertexProgram}, or cannot be made
     */
    public static UserProgram load(Path jar, String className) throws ProgramLoadException {
        if (!Files.isRegularFile(jar)) {
            throw new ProgramLoadException("program jar " + jar + ": no such file. Fix: pass the path of the jar your build"
                    + " made (e.g. target/my-program.jar)");
        }
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // opened only to check it is a zip/jar archive
        } catch (IOException e) {
            throw new ProgramLoadException("program jar " + jar + " is not a jar (" + e.getMessage() + "). Fix: pass the jar"
                    + " built from your program (mvn package), not a class or source file");
        }
        ProgramClassLoader loader;
        try {
            loader = new ProgramClassLoader(jar.toUri().toURL(), VertexProgram.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new ProgramLoadException("program jar " + jar + ": not a usable path (" + e.getMessage() + ")");
        }
        try {
            VertexProgram program = instantiate(loader, jar, className);
            return new UserProgram(jar, className, program, loader);
        } catch (ProgramLoadException | RuntimeException | Error e) {
            closeQuietly(loader);
            throw e;
        }
    }

    private static VertexProgram instantiate(ProgramClassLoader loader, Path jar, String className) throws ProgramLoadException {
        if (!loader.holds(className)) {
            throw new ProgramLoadException("class " + className + " is not in " + jar + ". Fix: pass --class with the"
                    + " fully qualified name of your program class (e.g. com.example.MyProgram)");
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new ProgramLoadException("class " + className + " is not in " + jar + ". Fix: pass --class with the"
                    + " fully qualified name of your program class (e.g. com.example.MyProgram)");
        } catch (LinkageError e) {
            throw new ProgramLoadException("class " + className + " in " + jar + " cannot be loaded: " + e
                    + ". Fix: build it for Java 21 or older against the graphagent api jar");
        }
        if (!VertexProgram.class.isAssignableFrom(type)) {
            throw new ProgramLoadException("class " + className + " in " + jar + " does not implement "
                    + VertexProgram.class.getName() + ". Fix: implement that interface (see docs/programming-guide.md)");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new ProgramLoadException("class " + className + " in " + jar + " is abstract. Fix: pass a concrete class");
        }
        try {
            return (VertexProgram) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new ProgramLoadException("class " + className + " in " + jar + " has no public no-argument constructor."
                    + " Fix: add one (parameters come through configure(Parameters))");
        } catch (InvocationTargetException e) {
            throw new ProgramLoadException("the constructor of " + className + " threw " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ProgramLoadException("class " + className + " in " + jar + " cannot be made: " + e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing was read through it that could need reporting
        }
    }
}
